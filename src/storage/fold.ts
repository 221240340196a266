/**
 * The case-insensitive form of a string, computed in TypeScript and stored in `*_fold` columns so
 * that uniqueness and `caseExact: false` comparisons mean the same on SQLite (whose lower() folds
 * ASCII only) and PostgreSQL. NFKC first, so full-width and other compatibility forms of a letter
 * collide with the plain letter.
 */
export function foldText(value: string): string {
  return value.normalize('NFKC').toLowerCase();
}
