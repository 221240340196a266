import type { JsonObject } from '../json/json-value.js';
import { isJsonObject } from '../json/json-value.js';
import { foldText } from './fold.js';

/**
 * The key under which people with the same given and family name are found as possible
 * duplicates: both parts folded (fold.ts) and trimmed, joined by one space; null when either part
 * is missing or blank, so a person known only by one name is never a "same name" match.
 * Stored in `users.name_key` and indexed, so finding the sets reads the index in key order.
 */
export function personNameKey(document: JsonObject): string | null {
  const name = document['name'];
  if (!isJsonObject(name)) return null;
  const given = name['givenName'];
  const family = name['familyName'];
  if (typeof given !== 'string' || typeof family !== 'string') return null;
  const g = foldText(given).trim();
  const f = foldText(family).trim();
  return g === '' || f === '' ? null : `${g} ${f}`;
}
