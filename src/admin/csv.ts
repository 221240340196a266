/**
 * CSV as spreadsheets read it (RFC 4180): a cell with a comma, quote or line break is quoted, its
 * quotes doubled. A cell starting with = + - @ (or a tab or carriage return) gets a leading
 * apostrophe, so a value an identity provider sent — a name like "=HYPERLINK(…)" — is shown as text
 * when an admin opens the export, never run as a formula.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record, with the CRLF line end RFC 4180 names. */
export function csvRow(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
