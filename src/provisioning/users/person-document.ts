import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value.js';
import { foldText } from '../../storage/fold.js';
import type { FolderKind } from '../../storage/store.js';

/**
 * A person's attributes are kept as a SCIM-shaped document (core attributes at the top, each
 * extension under its URN). These accessors are the domain's only knowledge of that shape.
 */
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export function enterprise(document: JsonObject): JsonObject {
  const value = document[ENTERPRISE];
  return isJsonObject(value) ? value : {};
}

function text(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** `manager.value` as sent: an id, userName, email, externalId or employeeNumber. */
export function managerReference(document: JsonObject): string | undefined {
  const manager = enterprise(document)['manager'];
  return isJsonObject(manager) ? text(manager['value']) : undefined;
}

export function employeeNumber(document: JsonObject): string | null {
  return text(enterprise(document)['employeeNumber']) ?? null;
}

export const FOLDER_KINDS: readonly FolderKind[] = ['department', 'division', 'organization'];

/** The department / division / organization values that place a person in folders. */
export function folderValues(document: JsonObject): Record<FolderKind, string | undefined> {
  const ext = enterprise(document);
  return { department: text(ext['department']), division: text(ext['division']), organization: text(ext['organization']) };
}

function elementOfType(document: JsonObject, attribute: string, type: string): JsonObject | undefined {
  const list = document[attribute];
  if (!Array.isArray(list)) return undefined;
  return list.find((e): e is JsonObject => isJsonObject(e) && typeof e['type'] === 'string' && e['type'].toLowerCase() === type);
}

export function workEmail(document: JsonObject): string | undefined {
  return text(elementOfType(document, 'emails', 'work')?.['value']);
}

/**
 * Recommended attributes the person lacks (the seed guides' "R" rows that a profile needs to be
 * useful): work email, given and family name, work country, preferred language.
 */
export function missingRecommended(document: JsonObject): string[] {
  const missing: string[] = [];
  const name = isJsonObject(document['name']) ? document['name'] : {};
  if (!workEmail(document)) missing.push('emails[type eq "work"].value');
  if (!text(name['givenName'])) missing.push('name.givenName');
  if (!text(name['familyName'])) missing.push('name.familyName');
  if (!text(elementOfType(document, 'addresses', 'work')?.['country'])) missing.push('addresses[type eq "work"].country');
  if (!text(document['preferredLanguage'])) missing.push('preferredLanguage');
  return missing;
}

/** Every value another record may use to name this person (id, userName, emails, externalId, employeeNumber), folded. */
export function identifierFolds(person: { id: string; userName: string; externalId: string | null; employeeNumber: string | null; document: JsonObject }): string[] {
  const values = new Set<string>([person.id, foldText(person.userName)]);
  if (person.externalId) values.add(foldText(person.externalId));
  if (person.employeeNumber) values.add(foldText(person.employeeNumber));
  const emails = person.document['emails'];
  if (Array.isArray(emails)) {
    for (const e of emails) if (isJsonObject(e) && typeof e['value'] === 'string') values.add(foldText(e['value']));
  }
  return [...values];
}

/** Flattens a document to attribute paths: sub-attributes of single complex attributes, lists whole. */
function flatten(document: JsonObject, prefix = '', separator = '.', out = new Map<string, JsonValue>()): Map<string, JsonValue> {
  for (const [key, value] of Object.entries(document)) {
    const path = prefix === '' ? key : `${prefix}${separator}${key}`;
    // Extension objects sit under their URN: their attributes read `urn:…:User:department`.
    if (isJsonObject(value)) flatten(value, path, prefix === '' && key.startsWith('urn:') ? ':' : '.', out);
    else out.set(path, value);
  }
  return out;
}

/** One changed attribute with its value before and after (undefined when absent). */
export interface AttributeChange {
  readonly attribute: string;
  readonly before: JsonValue | null;
  readonly after: JsonValue | null;
}

/** What changed between two documents, attribute by attribute (extension attributes URN-qualified). */
export function diffDocuments(before: JsonObject, after: JsonObject): AttributeChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const changes: AttributeChange[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key);
    const y = b.get(key);
    if (JSON.stringify(x) !== JSON.stringify(y)) changes.push({ attribute: key, before: x ?? null, after: y ?? null });
  }
  return changes.sort((p, q) => p.attribute.localeCompare(q.attribute));
}
