import { sql, type RawBuilder } from 'kysely';
import { foldText } from '../fold.js';
import { SEARCH_SEPARATOR, searchLength, TRIGRAM_MIN_LENGTH } from '../search-text.js';
import type { SqlDialect } from './dialects/dialect.js';

/** Above every character: `col >= q and col < q || MAX` is "col starts with q" as a range on col's index. */
const MAX_CHARACTER = '\u{10FFFF}';

/** The query as the search text holds it: folded, and never spanning two values (search-text.ts). */
export function foldSearchQuery(text: string): string {
  return foldText(text.trim()).replaceAll(SEARCH_SEPARATOR, ' ');
}

/** An FTS5 phrase: the whole query as one string, quotes doubled, so nothing in it is query syntax. */
function ftsPhrase(query: string): string {
  return `"${query.replaceAll('"', '""')}"`;
}

/** `%query%` for LIKE with its metacharacters (and the escape character itself) taken literally. */
function likeContains(query: string): string {
  return `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * "The person's text contains `text`" for the people search of the console and the host API, as a
 * condition on `users` under `alias`, answered from a text index (migration 010):
 *
 * - three characters or more: SQLite matches the phrase in the FTS5 trigram table (the matches of
 *   every tenant, then kept for this one through the key table); PostgreSQL tests `search_text
 *   like '%…%'`, which pg_trgm's GIN index answers.
 * - fewer: no trigram index can help, so the search is a prefix search on the indexed userName,
 *   display name and email columns: each is a range on its (tenant_id, column) index.
 */
export function peopleSearchCondition(dialect: SqlDialect, tenantId: string, text: string, alias = 'u'): RawBuilder<boolean> {
  const query = foldSearchQuery(text);
  const ref = (name: string) => sql.ref(`${alias}.${name}`);
  if (searchLength(query) >= TRIGRAM_MIN_LENGTH) {
    if (dialect.engine === 'postgres') return sql<boolean>`(${ref('search_text')} like ${likeContains(query)})`;
    return sql<boolean>`${ref('id')} in (select k.user_id from user_search s join user_search_keys k on k.key = s.rowid
      where user_search match ${ftsPhrase(query)} and k.tenant_id = ${tenantId})`;
  }
  const high = query + MAX_CHARACTER;
  const startsWith = (column: RawBuilder<unknown>) => sql`(${column} >= ${query} and ${column} < ${high})`;
  if (dialect.engine === 'postgres') {
    // One range per index, gathered: PostgreSQL cannot combine an OR with a sub-query on another
    // table into index scans, and would walk the tenant's people instead.
    return sql<boolean>`${ref('id')} in (
      select p.id from users p where p.tenant_id = ${tenantId} and ${startsWith(sql.ref('p.user_name_fold'))}
      union all select p.id from users p where p.tenant_id = ${tenantId} and ${startsWith(sql.ref('p.display_name_fold'))}
      union all select e.user_id from user_emails e where e.tenant_id = ${tenantId} and ${startsWith(sql.ref('e.value_fold'))})`;
  }
  // SQLite answers the OR from the three indexes (a multi-index OR), the emails through the IN
  // sub-query, fetching only the matching people.
  const byEmail = sql`${ref('id')} in (select e.user_id from user_emails e where e.tenant_id = ${tenantId} and ${startsWith(sql.ref('e.value_fold'))})`;
  return sql<boolean>`(${startsWith(ref('user_name_fold'))} or ${startsWith(ref('display_name_fold'))} or ${byEmail})`;
}

/**
 * "The person's search text holds `folded`" answered from the text index, or undefined where the
 * index cannot answer it exactly: fewer than three characters, the separator inside, or white space
 * at either end (the search text keeps values as written, so only a query without it is sure to be
 * inside one). A prefilter for filters: a person whose folded userName, name, displayName, title or
 * email contains `folded` has it in their search text (search-text.ts); the filter's own test then
 * keeps the exact matches.
 */
export function searchTextHolds(dialect: SqlDialect, tenantId: string, folded: string, alias = 'u'): RawBuilder<boolean> | undefined {
  if (searchLength(folded) < TRIGRAM_MIN_LENGTH || folded.includes(SEARCH_SEPARATOR) || folded.trim() !== folded) return undefined;
  const ref = (name: string) => sql.ref(`${alias}.${name}`);
  if (dialect.engine === 'postgres') return sql<boolean>`(${ref('search_text')} like ${likeContains(folded)})`;
  return sql<boolean>`${ref('id')} in (select k.user_id from user_search s join user_search_keys k on k.key = s.rowid
      where user_search match ${ftsPhrase(folded)} and k.tenant_id = ${tenantId})`;
}

/**
 * SQLite: the people matching a search of three characters or more as a FROM clause driven by the
 * FTS5 table (`alias` names the users rows), or undefined where the search is not answered by it.
 * A capped count over it reads cap + 1 matches and stops; the same count over the `in (…)` condition
 * first gathers every match of the phrase (a million for "@example.com" in a tenant of a million).
 * PostgreSQL's trigram index is read by a bitmap either way: nothing to gain there.
 */
export function peopleSearchSource(dialect: SqlDialect, tenantId: string, text: string, alias = 'u'): RawBuilder<unknown> | undefined {
  if (dialect.engine !== 'sqlite') return undefined;
  const query = foldSearchQuery(text);
  if (searchLength(query) < TRIGRAM_MIN_LENGTH) return undefined;
  const ref = (name: string) => sql.ref(`${alias}.${name}`);
  // The match and the tenant sit in the join's ON (an inner join: the same as WHERE), as the caller
  // adds its own WHERE after this FROM clause.
  return sql`user_search s join user_search_keys k on k.key = s.rowid and user_search match ${ftsPhrase(query)} and k.tenant_id = ${tenantId}
    join users as ${sql.raw(alias)} on ${ref('tenant_id')} = k.tenant_id and ${ref('id')} = k.user_id`;
}

/**
 * SQLite: the search as a test of the person's own row (`instr` on users.search_text, the text the
 * FTS table indexes, so it matches exactly the rows the phrase does), for a page over many matches
 * (ListableTable.denseSearch); undefined where the FTS table does not answer the search.
 */
export function peopleSearchDense(dialect: SqlDialect, text: string, alias = 'u'): RawBuilder<boolean> | undefined {
  if (dialect.engine !== 'sqlite') return undefined;
  const query = foldSearchQuery(text);
  if (searchLength(query) < TRIGRAM_MIN_LENGTH) return undefined;
  return sql<boolean>`(instr(${sql.ref(`${alias}.search_text`)}, ${query}) > 0)`;
}
