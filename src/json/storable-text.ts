/**
 * U+0000 and unpaired UTF-16 surrogates: PostgreSQL can store neither, in text or in jsonb. Bodies
 * that carry them are refused at the edge (http/app.ts); text Roster writes on its own account,
 * such as the provisioning log's notes and error details, is made storable instead.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const EVERY_UNSTORABLE = new RegExp(UNSTORABLE.source, 'g');

/** Whether the text holds U+0000 or an unpaired surrogate. */
export function hasUnstorableText(text: string): boolean {
  return UNSTORABLE.test(text);
}

/** The text with each U+0000 and unpaired surrogate replaced by U+FFFD. */
export function storableText(text: string): string {
  return text.replace(EVERY_UNSTORABLE, '\ufffd');
}
