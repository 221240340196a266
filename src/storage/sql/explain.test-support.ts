import { CompiledQuery, sql } from 'kysely';
import type { SqlDatabase } from './dialects/dialect.js';

/** One read of the table in a plan: the index it used, and the planner's words for it. */
export interface IndexAccess {
  readonly index: string;
  readonly detail: string;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

/**
 * How a statement reads one table, from the engine's own planner: each index it reads the table
 * through, and the faults a bounded read must not have: a scan of the table, a sort, a read not
 * bounded by the tenant. `sqliteName` is the table or alias as SQLite's EXPLAIN QUERY PLAN names it.
 * On PostgreSQL sequential scans are priced out, so a plan that still scans has no index to use.
 * Test support (tests of the plans the repositories' statements get), not shipped.
 */
export async function tablePlan(
  database: SqlDatabase,
  engine: 'sqlite' | 'postgres',
  compiled: CompiledQuery,
  table: { readonly name: string; readonly sqliteName?: string },
): Promise<{ accesses: IndexAccess[]; faults: string[] }> {
  const accesses: IndexAccess[] = [];
  const faults: string[] = [];
  if (engine === 'sqlite') {
    const name = table.sqliteName ?? table.name;
    const { rows } = await database.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
    for (const { detail } of rows) {
      if (new RegExp(`^SCAN ${name}\\b(?! USING)`).test(detail)) faults.push(`scanned: ${detail}`);
      if (/TEMP B-TREE/.test(detail)) faults.push(`sorted: ${detail}`);
      const used = new RegExp(`^(?:SEARCH|SCAN) ${name} USING (?:COVERING )?INDEX (\\w+)`).exec(detail);
      if (used?.[1]) accesses.push({ index: used[1], detail });
      if (new RegExp(`^(?:SEARCH|SCAN) ${name}\\b`).test(detail) && !/tenant_id=/.test(detail)) faults.push(`read without the tenant: ${detail}`);
    }
    return { accesses, faults };
  }
  return database.db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    const { rows } = await trx.executeQuery<{ 'QUERY PLAN': unknown }>(CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]));
    const document = rows[0]?.['QUERY PLAN'];
    const parsed = (typeof document === 'string' ? JSON.parse(document) : document) as { Plan: PlanNode }[];
    const visit = (node: PlanNode) => {
      if (node['Node Type'] === 'Sort' || node['Node Type'] === 'Incremental Sort') faults.push(`sorted: ${node['Node Type']}`);
      if (node['Relation Name'] === table.name) {
        const detail = `${node['Node Type']} ${node['Index Name'] ?? ''} (${node['Index Cond'] ?? ''})`;
        if (!node['Index Name']) faults.push(`scanned: ${detail}`);
        else if (!/tenant_id/.test(node['Index Cond'] ?? '')) faults.push(`read without the tenant: ${detail}`);
        else accesses.push({ index: node['Index Name'], detail });
      }
      for (const child of node.Plans ?? []) visit(child);
    };
    const root = parsed[0];
    if (!root) throw new Error(`EXPLAIN returned no plan for ${compiled.sql}`);
    visit(root.Plan);
    return { accesses, faults };
  });
}
