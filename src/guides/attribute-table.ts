import { MAPPED_ATTRIBUTES, NAMESPACE_SCHEMAS, unknownPath } from './attribute-map.js';

/**
 * Where the generated part of docs/attributes.md sits: everything between the two markers is
 * written by `npm run docs` (scripts/generate-attribute-table.ts), the prose around it by hand.
 */
export const TABLE_START = '<!-- attribute table: generated from src/guides/attribute-map.ts and the schema registry by `npm run docs`; edit those, not this -->';
export const TABLE_END = '<!-- end of the generated attribute table -->';

const code = (text: string) => `\`${text}\``;

/** The attribute table: one row per mapped attribute, its path checked against the registry. */
function table(): string[] {
  const rows = MAPPED_ATTRIBUTES.map((a) => {
    const problem = unknownPath(a);
    if (problem) throw new Error(`attribute table: ${problem}`);
    const name = a.oktaName ? `${code(a.path)} (${code(a.oktaName)})` : code(a.path);
    return `| ${a.label} | ${name} | ${a.namespace} | ${a.format} | ${a.level} |`;
  });
  return ['| attribute | SCIM name | namespace | format and rules | M/R/O |', '|---|---|---|---|---|', ...rows];
}

/**
 * The core User attributes a client may write that the table leaves out: accepted and stored as
 * sent. Read from the registry, so an attribute added to the core schema shows up here by itself.
 */
export function otherCoreAttributes(): string[] {
  const mapped = new Set(MAPPED_ATTRIBUTES.filter((a) => a.namespace === 'core').map((a) => /^[^.[]+/.exec(a.path)![0].toLowerCase()));
  return NAMESPACE_SCHEMAS.core.attributes
    .filter((a) => !mapped.has(a.name.toLowerCase()) && a.mutability !== 'readOnly' && a.mutability !== 'writeOnly')
    .map((a) => a.name);
}

/** The generated block of docs/attributes.md, markers included. */
export function attributeTableMarkdown(): string {
  const others = otherCoreAttributes().map(code).join(', ');
  return [
    TABLE_START,
    ...table(),
    '',
    `All other core User attributes of RFC 7643 (${others}, the other \`name\` parts and address types) are accepted and stored too.`,
    TABLE_END,
  ].join('\n');
}

/** docs/attributes.md with its generated block replaced; throws when the markers are missing. */
export function withAttributeTable(document: string): string {
  const start = document.indexOf(TABLE_START);
  const end = document.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error('docs/attributes.md: the attribute table markers are missing');
  return document.slice(0, start) + attributeTableMarkdown() + document.slice(end + TABLE_END.length);
}
