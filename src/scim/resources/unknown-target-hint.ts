import { isJsonObject, type JsonValue } from '../../json/json-value.js';
import type { ResourceSchema } from '../schemas/registry.js';
import { describeIgnored } from './ignored-attribute.js';
import { unknownSchemaEntry } from './parse-resource.js';
import { suggestAttribute, suggestQualified } from './suggest-attribute.js';

/**
 * The sentence added to a PATCH refusal of a name the schemas do not have (RFC 7644 §3.12
 * invalidPath): for an object under an unknown schema URN, the extension whose attributes it uses
 * (the provisioning log says the same for POST and PUT); otherwise the name probably meant. Empty
 * when nothing is close.
 */
export function unknownTargetHint(schema: ResourceSchema, written: string, value?: JsonValue): string {
  const name = written.trim();
  if (name.includes(':') && value !== undefined && isJsonObject(value)) {
    const entry = unknownSchemaEntry(schema, name, value);
    return entry.suggestion === undefined ? '' : ` This is an ${describeIgnored(entry, schema.name)}`;
  }
  // Value filters and sub-attributes are the engine's to explain; only plain names get a guess.
  if (/[[\].]/.test(name.slice(name.lastIndexOf(':') + 1))) return '';
  const suggestion = name.includes(':') ? suggestQualified(schema, name) : suggestAttribute(schema, name);
  return suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`;
}
