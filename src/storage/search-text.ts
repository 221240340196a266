import { isJsonObject, type JsonObject, type JsonValue } from '../json/json-value.js';
import { foldText } from './fold.js';

/**
 * Between two searched values: a control character no name or address holds, so a query matches
 * inside one value, never across the end of one and the start of the next.
 */
export const SEARCH_SEPARATOR = '\u001f';

/** Shortest query a trigram index can answer (SQLite FTS5 trigram, PostgreSQL pg_trgm): three characters. */
export const TRIGRAM_MIN_LENGTH = 3;

function text(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * The folded text the people search looks inside (README.md#console, People overview): userName, the name's
 * given, family and formatted forms and "given family", displayName, title and every email address, each
 * once. Computed in TypeScript with `foldText`, like the other `*_fold` columns, so SQLite's FTS5 table and
 * PostgreSQL's pg_trgm index hold the same text and a search means the same on both engines.
 */
export function userSearchText(document: JsonObject): string {
  const values: string[] = [];
  const add = (value: string | undefined) => {
    if (value !== undefined) values.push(foldText(value).replaceAll(SEARCH_SEPARATOR, ' '));
  };
  add(text(document['userName']));
  const name = isJsonObject(document['name']) ? document['name'] : undefined;
  const given = text(name?.['givenName']);
  const family = text(name?.['familyName']);
  add(given);
  add(family);
  add(text(name?.['formatted']));
  if (given !== undefined && family !== undefined) add(`${given} ${family}`);
  add(text(document['displayName']));
  add(text(document['title']));
  const emails = document['emails'];
  if (Array.isArray(emails)) for (const email of emails) if (isJsonObject(email)) add(text(email['value']));
  return withoutContained(values).join(SEARCH_SEPARATOR);
}

/** Above this many values, only exact repeats are dropped (the containment test is quadratic). */
const CONTAINMENT_LIMIT = 32;

/**
 * The values less repeats and less any value found inside another (given and family inside
 * "given family", an email equal to the userName): a query found in a dropped value is found in
 * the one that contains it, and every character indexed costs the write that indexes it.
 */
function withoutContained(values: readonly string[]): string[] {
  const unique = [...new Set(values)];
  if (unique.length > CONTAINMENT_LIMIT) return unique;
  return unique.filter((value, i) => !unique.some((other, j) => j !== i && other.includes(value)));
}

/** How many characters (code points) a search query has, as the trigram tokenizers count them. */
export function searchLength(query: string): number {
  return [...query].length;
}
