/** JSON as parsed from a request body or a stored document: the only untyped data inside Roster. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep copy of a JSON value (documents are small; structuredClone keeps the types). */
export function cloneJson<T extends JsonValue>(value: T): T {
  return structuredClone(value);
}
