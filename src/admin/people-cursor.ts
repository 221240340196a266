import type { PeopleSort } from '../provisioning/directory/read-directory.js';
import { InvalidCursorError, type CursorPosition } from '../storage/query.js';

/** The `sort` query parameter of the People overview: a key, `-` first for descending. */
export const PEOPLE_SORTS = ['name', '-name', 'userName', '-userName', 'updated', '-updated'] as const;
export type PeopleSortParam = (typeof PEOPLE_SORTS)[number];

/** Each `sort` value as the order it names. */
const SORTS: Record<PeopleSortParam, PeopleSort> = {
  name: { key: 'name', descending: false },
  '-name': { key: 'name', descending: true },
  userName: { key: 'userName', descending: false },
  '-userName': { key: 'userName', descending: true },
  updated: { key: 'updated', descending: false },
  '-updated': { key: 'updated', descending: true },
};

/** The order a `sort` parameter names; none is creation order. */
export function peopleSort(param: PeopleSortParam | undefined): PeopleSort | undefined {
  return param ? SORTS[param] : undefined;
}

/** Sorted cursors start with this, so one can never be taken for a bare id (the unsorted list's cursor). */
const SORTED = 's.';

/**
 * The cursor after a page: the bare id in creation order (as before sorts existed), else the sort it
 * belongs to, the last row's sort value and its id, so the next page starts exactly after that row.
 */
export function encodePeopleCursor(param: PeopleSortParam | undefined, next: CursorPosition | undefined): string | null {
  if (!next) return null;
  if (!param) return next.id;
  return SORTED + Buffer.from(JSON.stringify([param, next.sortValue, next.id])).toString('base64url');
}

/** The position a cursor names; a cursor made under another sort (or none) is refused (400). */
export function decodePeopleCursor(param: PeopleSortParam | undefined, cursor: string | undefined): CursorPosition | undefined {
  if (!cursor) return undefined;
  const sorted = cursor.startsWith(SORTED);
  if (!param) {
    if (sorted) throw new InvalidCursorError();
    return { id: cursor, sortValue: null };
  }
  if (!sorted) throw new InvalidCursorError();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor.slice(SORTED.length), 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(decoded) || decoded.length !== 3) throw new InvalidCursorError();
  const [madeFor, sortValue, id]: unknown[] = decoded;
  if (madeFor !== param || typeof id !== 'string' || (typeof sortValue !== 'string' && typeof sortValue !== 'number')) throw new InvalidCursorError();
  return { id, sortValue };
}
