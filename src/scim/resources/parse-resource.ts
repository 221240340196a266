import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value.js';
import type { AttributeDefinition, SchemaDefinition } from '../schemas/attribute.js';
import { commonAttributes, findAttribute, findExtension, type ResourceSchema } from '../schemas/registry.js';
import { ScimError } from '../errors.js';
import { canonicaliseValue, isNoValue } from './canonicalise-value.js';
import { describeValue, typeError } from './check-type.js';
import { ignoredEntry, type IgnoredAttribute } from './ignored-attribute.js';
import { parseMembers, type MemberInput } from './parse-members.js';
import { extensionMatching, extensionPlacesOf, suggestAttribute, suggestQualified, suggestSchema } from './suggest-attribute.js';

export type { IgnoredAttribute, IgnoredReason } from './ignored-attribute.js';
export type { MemberInput } from './parse-members.js';
export { canonicaliseValue } from './canonicalise-value.js';

/** A POST/PUT body reduced to what Roster stores, plus what it left out and why. */
export interface ParsedResource {
  /** Canonical names; extension attributes under their extension's URN; no id/meta/schemas/password/groups. */
  readonly document: JsonObject;
  readonly ignored: IgnoredAttribute[];
  /** Groups only: undefined when the body had no `members` key, `[]` when it sent null or `[]`. */
  readonly members?: MemberInput[];
}

interface ParseState {
  readonly schema: ResourceSchema;
  readonly document: JsonObject;
  readonly ignored: IgnoredAttribute[];
  members?: MemberInput[];
}

/** Every client echoes these back from a GET (Okta's PUT, Entra's POST): expected, so not logged. */
const EXPECTED_NOISE = new Set(['id', 'meta', 'schemas']);

/**
 * Parses a User or Group body (RFC 7643 §2–§4) leniently where real clients differ from the RFC
 * (docs/idp-behaviors.md) and strictly on types. Throws ScimError 400 (invalidSyntax for a
 * non-object body, invalidValue for a wrong type, two primaries or a missing required attribute).
 */
export function parseResource(schema: ResourceSchema, body: JsonValue): ParsedResource {
  if (!isJsonObject(body)) {
    throw ScimError.badRequest('invalidSyntax', `A ${schema.name} must be a JSON object; received ${describeValue(body)}.`);
  }
  const state: ParseState = { schema, document: {}, ignored: [] };
  readTopLevel(state, body);
  checkRequired(state);
  const { document, ignored, members } = state;
  return members === undefined ? { document, ignored } : { document, ignored, members };
}

function readTopLevel(state: ParseState, body: JsonObject): void {
  for (const [key, value] of Object.entries(body)) {
    if (EXPECTED_NOISE.has(key.toLowerCase())) continue;
    // Attribute names cannot contain ':' (RFC 7643 §2.1 ATTRNAME), so a colon means a URN.
    if (key.includes(':')) readQualified(state, key, value);
    else readBare(state, key, value);
  }
}

/** `urn:…:User` objects, `urn:…:User:department` keys, and the same for unknown URNs. */
function readQualified(state: ParseState, key: string, value: JsonValue): void {
  const { schema } = state;
  const extension = findExtension(schema, key);
  if (extension) return readExtensionObject(state, extension, value);
  const coreId = schema.core.id.toLowerCase();
  if (key.toLowerCase() === coreId) {
    // SCIM 1.1-style nesting of core attributes: harmless to accept.
    if (isNoValue(value)) return;
    if (!isJsonObject(value)) throw typeError(key, value, "an object of the schema's attributes");
    return readTopLevel(state, value);
  }
  const colon = key.lastIndexOf(':');
  const prefix = key.slice(0, colon);
  const name = key.slice(colon + 1);
  if (prefix.toLowerCase() === coreId) return readBare(state, name, value, key);
  const owner = findExtension(schema, prefix);
  if (owner) return readExtensionAttribute(state, owner, name, value);
  if (isNoValue(value)) return;
  // An object under an unknown key is a schema Roster does not have (or a typo of one we do).
  if (isJsonObject(value)) state.ignored.push(unknownSchemaEntry(schema, key, value));
  else state.ignored.push(ignoredEntry(key, 'unknownAttribute', suggestQualified(schema, key)));
}

/**
 * An unknown schema's block: a near URN is a typo (`…enterprise:2.0User`); otherwise, when the
 * block uses attribute names of a configured extension (another product's URN from a setup guide,
 * as the seeds' table gives), that extension is named with the names that match.
 */
export function unknownSchemaEntry(schema: ResourceSchema, urn: string, block: JsonObject): IgnoredAttribute {
  const near = suggestSchema(schema, urn);
  if (near !== undefined) return ignoredEntry(urn, 'unknownSchema', near);
  const names = Object.keys(block).filter((name) => !isNoValue(block[name] ?? null));
  const match = extensionMatching(schema, names);
  return match ? ignoredEntry(urn, 'unknownSchema', match.urn, match.matches) : ignoredEntry(urn, 'unknownSchema');
}

/**
 * A name without a URN is a core or common attribute (RFC 7644 §3.10: only the core schema's URN may be
 * omitted), whatever its case (RFC 7643 §2.1). A name only an extension has (`Department`) is not that
 * extension's attribute: storing it there would move a person between folders on a guess, so it is ignored
 * and the log names the qualified attribute. Entra's top-level `manager`
 * (docs/idp-behaviors.md#entra-example-requests, Example 2; E10) is moved into the extension by the
 * manager-shapes normaliser before this runs, and the log records that it fired.
 */
function readBare(state: ParseState, name: string, value: JsonValue, sentAs = name): void {
  const { schema, ignored } = state;
  const core = findAttribute(schema.core.attributes, name) ?? findAttribute(commonAttributes, name);
  if (core) return store(state, undefined, core, value);
  if (isNoValue(value)) return;
  const places = extensionPlacesOf(schema, name);
  if (places.length > 0) {
    // In two extensions the client is shown both rather than one picked for it.
    ignored.push(ignoredEntry(sentAs, 'notCoreAttribute', places.join(' or ')));
    return;
  }
  ignored.push(ignoredEntry(sentAs, 'unknownAttribute', suggestAttribute(schema, name)));
}

function readExtensionObject(state: ParseState, extension: SchemaDefinition, value: JsonValue): void {
  if (isNoValue(value)) return;
  if (!isJsonObject(value)) throw typeError(extension.id, value, "an object of the extension's attributes");
  for (const [name, inner] of Object.entries(value)) readExtensionAttribute(state, extension, name, inner);
}

function readExtensionAttribute(state: ParseState, extension: SchemaDefinition, name: string, value: JsonValue): void {
  const definition = findAttribute(extension.attributes, name);
  if (definition) return store(state, extension, definition, value);
  if (isNoValue(value)) return;
  const suggestion = suggestAttribute(state.schema, name, { extension });
  state.ignored.push(ignoredEntry(`${extension.id}:${name}`, 'unknownAttribute', suggestion));
}

function store(state: ParseState, extension: SchemaDefinition | undefined, definition: AttributeDefinition, value: JsonValue): void {
  const { schema, document, ignored } = state;
  if (!extension && schema.name === 'Group' && definition.name === 'members') {
    // Members live in their own table, so they travel beside the document, not in it.
    state.members = parseMembers(value, ignored);
    return;
  }
  if (isNoValue(value)) return;
  const path = extension ? `${extension.id}:${definition.name}` : definition.name;
  if (!extension && EXPECTED_NOISE.has(definition.name.toLowerCase())) return;
  if (definition.mutability === 'readOnly') {
    // RFC 7643 §2.2: readOnly values sent by a client "SHALL be ignored" — Okta's PUT carries `groups`.
    ignored.push(ignoredEntry(path, 'readOnly'));
    return;
  }
  if (definition.mutability === 'writeOnly') {
    // The only writeOnly attribute is `password`, and Roster stores no passwords
    // (README.md#what-the-scim-endpoint-supports).
    // Dropped before any type check, so an error detail can never echo it.
    ignored.push(ignoredEntry(path, 'password'));
    return;
  }
  const canonical = canonicaliseValue(definition, value, path, ignored, schema);
  if (canonical === undefined) return;
  if (!extension) {
    document[definition.name] = canonical;
    return;
  }
  const existing = document[extension.id];
  const target: JsonObject = isJsonObject(existing) ? existing : {};
  target[definition.name] = canonical;
  document[extension.id] = target;
}

/**
 * RFC 7644 §3.12 lists "A required value was missing" under invalidValue, so that is the scimType
 * for a missing userName/displayName. A blank string counts as missing: it cannot identify anyone.
 */
function checkRequired(state: ParseState): void {
  const { schema, document } = state;
  const check = (definitions: readonly AttributeDefinition[], holder: JsonObject, prefix: string): void => {
    for (const definition of definitions) {
      if (!definition.required) continue;
      const value = holder[definition.name];
      if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
        throw ScimError.badRequest('invalidValue', `Attribute "${prefix}${definition.name}" is required and must not be empty.`);
      }
    }
  };
  check(schema.core.attributes, document, '');
  // An extension's required attributes bind only when the resource uses that extension (RFC 7643 §3).
  for (const extension of schema.extensions) {
    const holder = document[extension.id];
    if (isJsonObject(holder)) check(extension.attributes, holder, `${extension.id}:`);
  }
}
