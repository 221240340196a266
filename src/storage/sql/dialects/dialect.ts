import type { ReadWorkerStats } from '../../operations-store.js';
import type { Kysely, RawBuilder } from 'kysely';
import type { PoolStats } from '../../operations-store.js';
import type { Engine } from '../engine.js';
import type { DirectExecutor } from '../direct-statements.js';
import type { BackgroundCheckpoints } from './sqlite-options.js';
import type { RosterDatabase } from '../tables.js';

/**
 * The few places SQLite and PostgreSQL differ for Roster: JSON access, case folding, array
 * parameters. Everything else is one SQL implementation over Kysely.
 */
export interface SqlDialect {
  readonly engine: Engine;
  /** Text of the JSON value at `path` inside the document column expression. */
  jsonText(document: RawBuilder<unknown>, path: readonly string[]): RawBuilder<string | null>;
  /** The JSON boolean at `path` as 1/0 (null when absent). */
  jsonBoolean(document: RawBuilder<unknown>, path: readonly string[]): RawBuilder<number | null>;
  /** The JSON number at `path` as a SQL number (null when absent). */
  jsonNumber(document: RawBuilder<unknown>, path: readonly string[]): RawBuilder<number | null>;
  /**
   * A FROM item yielding each element of the JSON array at `path` as column `elem` (JSON),
   * for EXISTS sub-queries over multi-valued attributes kept in the document.
   */
  jsonArrayElements(document: RawBuilder<unknown>, path: readonly string[], alias: string): RawBuilder<unknown>;
  /** The element of such a FROM item (for `jsonText` / `jsonBoolean` over it). */
  jsonElement(alias: string): RawBuilder<unknown>;
  /** SQL case-folding matching `foldText` in TypeScript as closely as the engine allows. */
  fold(expression: RawBuilder<unknown>): RawBuilder<string>;
  /** `expression IN (values…)` with one parameter, so the statement text is the same for any count. */
  inList(expression: RawBuilder<unknown>, values: readonly string[]): RawBuilder<boolean>;
  /** A one-column table (`value`) of the given strings, from one parameter. */
  valuesTable(values: readonly string[], alias: string): RawBuilder<unknown>;
  /**
   * A table of text columns named `columns` (identifiers from code, never input), one row per
   * entry of `rows`, from one parameter per column (PostgreSQL) or one in all (SQLite): the
   * statement text is the same for any number of rows and no engine's bound-parameter limit is
   * reached, so a set of any size is written by one statement.
   */
  rowsTable(columns: readonly string[], rows: readonly (readonly (string | null)[])[], alias: string): RawBuilder<unknown>;
  /** Serialises a document for the `data` column. */
  documentParam(json: string): RawBuilder<unknown>;
  /** Substring tests without LIKE (its case rules differ between the engines). */
  contains(haystack: RawBuilder<unknown>, needle: string): RawBuilder<boolean>;
  startsWith(haystack: RawBuilder<unknown>, prefix: string): RawBuilder<boolean>;
  endsWith(haystack: RawBuilder<unknown>, suffix: string): RawBuilder<boolean>;
  /**
   * The aggregate `[{"id": …, "displayName": …}, …]` over the rows of a sub-query, in the given
   * order, `[]` for none: text on SQLite, parsed by the driver on PostgreSQL.
   */
  jsonArrayOfIdAndName(id: RawBuilder<unknown>, displayName: RawBuilder<unknown>, orderBy: RawBuilder<unknown>): RawBuilder<unknown>;
  /**
   * A correlated sub-query returning one row with one column named `value`, as the select-list
   * item `name` and the FROM-clause addition it needs after the outer table.
   */
  correlated(subquery: RawBuilder<unknown>, name: string): { column: RawBuilder<unknown>; join: RawBuilder<unknown> };
  /** `limit … offset …` with both as parameters (the statement text stays the same for any page). */
  limitOffset(limit: number, offset: number): RawBuilder<unknown>;
}

/** An open database: the query builder, its dialect and how to close it. */
export interface SqlDatabase {
  readonly db: Kysely<RosterDatabase>;
  readonly dialect: SqlDialect;
  /** PostgreSQL schema Roster's tables live in (from `?schema=`), when not the default. */
  readonly schema?: string;
  /** Checks the connection (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The connection pool's counters, where there is a pool (PostgreSQL), for metrics. */
  poolStats?(): PoolStats;
  /**
   * Whether another connection (another process: the CLI, a second server) may have changed a
   * credential or tenant since the last call (SQLite: any commit; PostgreSQL: a notification, or
   * the listening connection being down). Cheap enough to ask on every request; engines that
   * cannot tell omit it, and then nothing that could be changed elsewhere is cached.
   */
  changedElsewhere?(): boolean;
  /**
   * Tells other processes that a credential or tenant changed, run inside the transaction that
   * changes it; engines whose `changedElsewhere` sees every commit by itself omit it.
   */
  announceCredentialChange?(db: Kysely<RosterDatabase>): Promise<void>;
  /** SQLite: runs a fixed statement synchronously on the one connection (see direct-statements.ts). */
  directExecutor?: DirectExecutor;
  /** SQLite with WAL checkpoints in a worker thread: its counters (tests, diagnostics). */
  backgroundCheckpoints?: BackgroundCheckpoints;
  /** SQLite's read workers: what they have done (absent without them). */
  readWorkerStats?(): ReadWorkerStats;
  /** Runs migrations on a connection without the serving pool's statement deadline (PostgreSQL); absent: on `db`. */
  withMigrationConnection?<T>(work: (db: Kysely<RosterDatabase>) => Promise<T>): Promise<T>;
  /** Work that needs the migrated schema (SQLite: the planner's assumed statistics). */
  afterMigrations?(): void;
}
