import type { z } from 'zod';
import { SchemaCollector } from '../http/openapi-document.js';
import { setupLinkSchema } from '../http/setup-link-input.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../json/json-value.js';
import {
  adminListingSchema,
  connectionAttemptSchema,
  discardedPreviewSchema,
  duplicatesPageSchema,
  folderSchema,
  groupSchema,
  guideSchema,
  heldChangeSchema,
  logEntryDetailSchema,
  issuedCredentialSchema,
  peoplePageSchema,
  personDetailSchema,
  previewSchema,
  sessionSchema,
  setupOverviewSchema,
  setupSessionSchema,
  tenantDetailSchema,
  wentLiveSchema,
} from './view-schemas.js';

/**
 * The console's types (admin-ui/src/types.ts), written from the same schemas as the admin API's
 * answers and its OpenAPI document: `npm run console-types` writes the file, and a test fails when
 * it is stale. The console is its own small build (no server code in it), so it gets text, not imports.
 */
const CONSOLE_SCHEMAS: readonly z.ZodType[] = [
  sessionSchema,
  tenantDetailSchema,
  issuedCredentialSchema,
  peoplePageSchema,
  personDetailSchema,
  peoplePageSchema,
  groupSchema,
  folderSchema,
  duplicatesPageSchema,
  setupSessionSchema,
  setupOverviewSchema,
  setupLinkSchema,
  guideSchema,
  connectionAttemptSchema,
  previewSchema,
  wentLiveSchema,
  discardedPreviewSchema,
  heldChangeSchema,
  logEntryDetailSchema,
  adminListingSchema,
];

const HEADER = `// Generated from the admin API's answer schemas (src/admin/view-schemas.ts) by
// \`npm run console-types\`; do not edit (a test fails when this file is stale).
// The same schemas describe /admin/api/v1/openapi.json.
`;

const comment = (text: JsonValue | undefined, indent: string): string => (typeof text === 'string' ? `${indent}/** ${text.replace(/\*\//g, '*\\/')} */\n` : '');

const refName = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);
const needsParens = (type: string): boolean => type.includes('|') && !(type.startsWith('{') && type.endsWith('}'));

/** A JSON Schema (as zod writes it for an answer) as a TypeScript type. */
function typeOf(schema: JsonValue | undefined, indent: string): string {
  if (!isJsonObject(schema)) return 'unknown';
  if (typeof schema['$ref'] === 'string') return refName(schema['$ref']);
  const union = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(union)) return union.map((s) => typeOf(s, indent)).join(' | ');
  if (Array.isArray(schema['enum'])) return schema['enum'].map((v) => JSON.stringify(v)).join(' | ');
  if ('const' in schema) return JSON.stringify(schema['const']);
  const type = schema['type'];
  if (Array.isArray(type)) return type.map((t) => typeOf({ ...schema, type: t }, indent)).join(' | ');
  switch (type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const item = typeOf(schema['items'], indent);
      return needsParens(item) ? `(${item})[]` : `${item}[]`;
    }
    case 'object':
      return objectType(schema, indent);
    default:
      return 'unknown';
  }
}

function objectType(schema: JsonObject, indent: string): string {
  const properties = isJsonObject(schema['properties']) ? schema['properties'] : undefined;
  if (!properties) {
    const values = schema['additionalProperties'];
    return `{ [key: string]: ${isJsonObject(values) ? typeOf(values, indent) : 'unknown'} }`;
  }
  const required = new Set(Array.isArray(schema['required']) ? schema['required'] : []);
  const inner = `${indent}  `;
  const lines = Object.entries(properties).map(([name, property]) => {
    const description = isJsonObject(property) ? property['description'] : undefined;
    return `${comment(description, inner)}${inner}${name}${required.has(name) ? '' : '?'}: ${typeOf(property, inner)};\n`;
  });
  return `{\n${lines.join('')}${indent}}`;
}

/** The text of admin-ui/src/types.ts (of other schemas: what a change to one would write). */
export function consoleTypesSource(schemas: readonly z.ZodType[] = CONSOLE_SCHEMAS): string {
  const collector = new SchemaCollector();
  for (const schema of schemas) collector.convert(schema, 'output');
  const types = Object.entries(collector.components).map(([name, schema]) => `${comment(schema['description'], '')}export type ${name} = ${typeOf(schema, '')};\n`);
  return `${HEADER}\n${types.join('\n')}`;
}
