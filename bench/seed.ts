/**
 * Seeding a tenant with many people fast, without going through HTTP (1,000,000 creates through
 * the API would take longer than the whole bench), yet with rows indistinguishable from the ones
 * the server writes:
 *
 * 1. a few template people are created through the API (POST /Users), so the server itself writes
 *    every row a create writes (users, user_emails, folder_members, folders, events…);
 * 2. their rows are read back, and every table is searched for their ids, so that a table a later
 *    migration adds (and a create fills) stops the seed instead of being silently left out;
 * 3. the rows are cloned in bulk by SQL inside the database, in chunks (one transaction each):
 *    a scratch table of (index, fresh UUIDv7 id, userName, externalId, employeeNumber, names) is
 *    filled by a recursive CTE (SQLite) or generate_series (PostgreSQL), and each owned table is
 *    filled by one INSERT … SELECT joining it with the template's rows (first copied into small
 *    temporary tables, see stageTemplates). Every column not derived
 *    from the person's identity is copied from the template as the server wrote it, and the JSON
 *    document is rewritten at exactly the paths where the template's identity appears, so the
 *    indexed columns, the email rows and the document agree.
 *
 * Not cloned, on purpose: the template's events (outbox), request-log and audit rows. They record
 * what happened, not what a person is: no lookup, list or PATCH reads them, and numbering 1,000,000
 * extra events would only grow the outbox the webhook dispatcher and feed walk (those seeded people
 * are "imported history", as after `roster import`, which writes no events either). The mass-change
 * guard reads events, but only deactivations and deletions, which a create does not write.
 *
 * The seed runs while the server is running and idle: the server keeps nothing about people in
 * memory (every read goes to the database; its caches hold credentials and tenant settings, which
 * the seed does not touch). On SQLite, each chunk is a short write transaction on a second
 * connection (WAL), committed before the next, so the server's own writes never wait long; the WAL
 * is checkpointed at the end so the server reads a compact file. It is not ANALYZEd: nothing in a
 * Roster deployment analyzes SQLite, so the server's query plans are measured as they would run.
 * On PostgreSQL the tables are ANALYZEd afterwards, as autovacuum would do after a bulk load.
 */
import pg from 'pg';
import { SCIM_HEADERS } from './fixtures.js';
import { openSqliteLikeRoster } from './raw-driver.js';
import { HttpClient, type HttpAnswer } from './load.js';
import type { Engine } from './report.js';

// ---------------------------------------------------------------------------------------------
// The identities of seeded people: computed from (prefix, index) here and in SQL alike.

const GIVEN = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Leslie'];
const FAMILY = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman', 'Lamport'];
/** Indexes are written with 7 (userName) and 8 (externalId) digits; PostgreSQL's lpad would truncate beyond. */
const MAX_INDEX = 9_999_999;

export interface SeededIdentity {
  readonly userName: string;
  readonly externalId: string;
  readonly employeeNumber: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly displayName: string;
}

/** Who the seeded person number `index` of `prefix` is (the SQL below writes exactly this). */
export function seededIdentity(prefix: string, index: number): SeededIdentity {
  const givenName = GIVEN[index % 10] ?? 'Ada';
  const familyName = FAMILY[Math.floor(index / 10) % 10] ?? 'Lovelace';
  return {
    userName: `${prefix}.${String(index).padStart(7, '0')}@example.com`,
    externalId: `00u${prefix}${String(index).padStart(8, '0')}`,
    employeeNumber: `${prefix}-${String(index).padStart(7, '0')}`,
    givenName,
    familyName,
    displayName: `${givenName} ${familyName}`,
  };
}

function checkPrefix(prefix: string): void {
  // Lower-case ASCII only: the *_fold columns are then the value itself (lower() in SQL = foldText).
  if (!/^[a-z][a-z0-9]{0,15}$/.test(prefix)) throw new Error(`seed prefix must be lower-case letters and digits: "${prefix}"`);
}

// ---------------------------------------------------------------------------------------------
// Templates, through the API

const SEED_STATEMENT_TIMEOUT_MS = 600_000;
/** The API calls of the seed (templates, checks) give up after this long. */
const SEED_REQUEST_TIMEOUT_MS = 60_000;

/** One request, failing with ETIMEDOUT when no answer comes within SEED_REQUEST_TIMEOUT_MS. */
async function sendWithin(client: HttpClient, request: Parameters<HttpClient['send']>[0]): Promise<HttpAnswer> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      client.send(request),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error(`${request.method} ${request.path}: no answer within ${SEED_REQUEST_TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' })),
          SEED_REQUEST_TIMEOUT_MS,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
type Row = Record<string, unknown>;

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Departments of the templates: seeded people are spread over these folders, as in a real company. */
export const SEED_DEPARTMENTS = ['Engineering', 'Sales', 'Support', 'Finance'] as const;

/** A template's identity: all distinct strings, so where each lands in the stored document is unambiguous. */
function templateIdentity(prefix: string, k: number): Record<IdentityKind, string> {
  return {
    userName: `${prefix}tpl${k}.template@example.com`,
    externalId: `tplext${prefix}${k}`,
    employeeNumber: `tplemp${prefix}${k}`,
    givenName: `Tplgiven${prefix}${k}`,
    familyName: `Tplfamily${prefix}${k}`,
    displayName: `Tpldisplay${prefix}${k}`,
  };
}

function templateBody(prefix: string, k: number, department: string): Record<string, unknown> {
  const who = templateIdentity(prefix, k);
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
    userName: who.userName,
    name: { givenName: who.givenName, familyName: who.familyName },
    emails: [{ primary: true, value: who.userName, type: 'work' }],
    displayName: who.displayName,
    active: true,
    externalId: who.externalId,
    [ENTERPRISE]: { department, employeeNumber: who.employeeNumber },
  };
}

export interface Templates {
  readonly tenantId: string;
  readonly prefix: string;
  readonly ids: readonly string[];
}

/** Creates one template person per department through POST /Users; answers their ids. */
export async function createTemplates(
  port: number,
  token: string,
  tenantId: string,
  prefix: string,
  departments: readonly string[] = SEED_DEPARTMENTS,
): Promise<Templates> {
  checkPrefix(prefix);
  const client = new HttpClient(port, 1);
  const ids: string[] = [];
  try {
    for (const [k, department] of departments.entries()) {
      const answer = await sendWithin(client, {
        method: 'POST',
        path: '/scim/v2/Users',
        headers: { ...SCIM_HEADERS, authorization: `Bearer ${token}` },
        body: JSON.stringify(templateBody(prefix, k, department)),
      });
      if (answer.status !== 201) throw new Error(`creating seed template ${k} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
      ids.push((JSON.parse(answer.body) as { id: string }).id);
    }
  } finally {
    client.close();
  }
  return { tenantId, prefix, ids };
}

// ---------------------------------------------------------------------------------------------
// SQL on either engine, with `?` placeholders

type Param = string | number | null | readonly string[];

interface SqlRunner {
  readonly engine: Engine;
  all(text: string, params?: readonly Param[]): Promise<Row[]>;
  run(text: string, params?: readonly Param[]): Promise<number>;
  close(): Promise<void>;
}

function sqliteRunner(file: string): SqlRunner {
  // The server writes bookkeeping once a second at most; wait for it rather than fail.
  const db = openSqliteLikeRoster(file, 10_000);
  const bind = (params: readonly Param[]) => params.map((p) => (Array.isArray(p) ? JSON.stringify(p) : p));
  return {
    engine: 'sqlite',
    async all(text, params = []) {
      return db.prepare(text).all(...bind(params)) as Row[];
    },
    async run(text, params = []) {
      const statement = db.prepare(text);
      return statement.reader ? statement.all(...bind(params)).length : statement.run(...bind(params)).changes;
    },
    async close() {
      db.close();
    },
  };
}

async function postgresRunner(url: string): Promise<SqlRunner> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  // No statement may run for ever: a chunk of 50,000 people takes seconds.
  const options = `${schema ? `-c search_path="${schema}" ` : ''}-c statement_timeout=${SEED_STATEMENT_TIMEOUT_MS}`;
  const client = new pg.Client({ connectionString: parsed.toString(), options });
  await client.connect();
  const dollars = (text: string) => {
    let n = 0;
    return text.replace(/\?/g, () => `$${++n}`);
  };
  return {
    engine: 'postgres',
    async all(text, params = []) {
      return (await client.query(dollars(text), [...params])).rows as Row[];
    },
    async run(text, params = []) {
      return (await client.query(dollars(text), [...params])).rowCount ?? 0;
    },
    async close() {
      await client.end();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// What a template is made of

/** Where the template's identity appears in its stored document, and what to write there. */
type IdentityKind = 'userName' | 'externalId' | 'employeeNumber' | 'givenName' | 'familyName' | 'displayName';

/** The scratch-table expression that gives a clone's value of each identity field. */
const CLONE_VALUE: Record<IdentityKind, string> = {
  userName: 'b.user_name',
  externalId: 'b.external_id',
  employeeNumber: 'b.employee_number',
  givenName: 'b.given',
  familyName: 'b.family',
  displayName: "b.given || ' ' || b.family",
};

type JsonPath = readonly (string | number)[];

interface LearnedTemplate {
  /** Column names of the users table, in the order the template row has them. */
  readonly userColumns: readonly string[];
  readonly emailColumns: readonly string[];
  readonly folderMemberColumns: readonly string[];
  /** Document paths to rewrite (the same for every template: they are built alike). */
  readonly paths: readonly { readonly path: JsonPath; readonly kind: IdentityKind }[];
  /** Rows each template owns, to check clones against. */
  readonly emailsPerPerson: number;
  readonly foldersPerPerson: number;
}

/** Tables whose rows a create writes and the seed clones. */
const CLONED_TABLES = new Set(['users', 'user_emails', 'folder_members']);
/** Tables that record what happened (see the file comment): a seeded person has no history. */
const HISTORY_TABLES = new Set(['events', 'request_log', 'audit_log']);
/** SQLite: the people search's key table, which triggers on users fill for every inserted row (migration 010). */
const TRIGGER_FILLED_TABLES = new Set(['user_search_keys']);

function documentOf(data: unknown): Record<string, unknown> {
  return (typeof data === 'string' ? JSON.parse(data) : data) as Record<string, unknown>;
}

/** Every string leaf of a JSON value with its path. */
function* stringLeaves(value: unknown, path: JsonPath = []): Generator<{ path: JsonPath; value: string }> {
  if (typeof value === 'string') yield { path, value };
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* stringLeaves(v, [...path, i]);
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* stringLeaves(v, [...path, k]);
}

function sqlitePath(path: JsonPath): string {
  return `$${path.map((s) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? `.${s}` : `."${s}"`)).join('')}`;
}

const identifier = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected column name "${name}"`);
  return name;
};

// ---------------------------------------------------------------------------------------------
// The seeder

export interface SeedChunk {
  readonly rows: number;
  readonly ms: number;
}

export class TenantSeeder {
  private readonly learned = new Map<string, LearnedTemplate>();
  private scratchReady = false;

  private constructor(private readonly sql: SqlRunner) {}

  /** Opens its own connection to the server's database (`databaseUrl` as the server got it). */
  static async open(engine: Engine, databaseUrl: string): Promise<TenantSeeder> {
    return new TenantSeeder(engine === 'sqlite' ? sqliteRunner(databaseUrl) : await postgresRunner(databaseUrl));
  }

  get engine(): Engine {
    return this.sql.engine;
  }

  async close(): Promise<void> {
    await this.sql.close();
  }

  /**
   * Reads the templates' rows back, works out where their identity sits in the stored document,
   * and checks that the seed knows every table a create wrote to. Throws when the seed could not
   * be faithful (a table it does not clone, a document shaped differently than it expects).
   */
  async learn(templates: Templates): Promise<void> {
    const { tenantId, ids } = templates;
    const marks = ids.map(() => '?').join(', ');
    const users = await this.sql.all(`select * from users where tenant_id = ? and id in (${marks})`, [tenantId, ...ids]);
    if (users.length !== ids.length) throw new Error(`seed: found ${users.length} of ${ids.length} template rows in users`);
    const emails = await this.sql.all(`select * from user_emails where tenant_id = ? and user_id in (${marks})`, [tenantId, ...ids]);
    const folderMembers = await this.sql.all(`select * from folder_members where tenant_id = ? and user_id in (${marks})`, [tenantId, ...ids]);
    await this.checkNoOtherOwnedRows(ids);

    let paths: { path: JsonPath; kind: IdentityKind }[] | undefined;
    for (const [k, id] of ids.entries()) {
      const user = users.find((u) => u['id'] === id);
      const identity = templateIdentity(templates.prefix, k);
      const kinds = Object.keys(identity) as IdentityKind[];
      const found: { path: JsonPath; kind: IdentityKind }[] = [];
      for (const leaf of stringLeaves(documentOf(user?.['data']))) {
        const kind = kinds.find((key) => identity[key] === leaf.value);
        if (kind) found.push({ path: leaf.path, kind });
        else if (kinds.some((key) => leaf.value.includes(identity[key]))) {
          throw new Error(
            `seed: template document holds ${JSON.stringify(leaf.value)} at ${leaf.path.join('.')}, derived from its identity in a way the seed does not know`,
          );
        }
      }
      for (const kind of kinds) {
        if (!found.some((f) => f.kind === kind)) throw new Error(`seed: the stored document of template ${k} does not hold its ${kind}`);
      }
      if (paths && JSON.stringify(paths) !== JSON.stringify(found)) throw new Error('seed: templates are stored in different shapes');
      paths = found;
      const own = emails.filter((e) => e['user_id'] === id);
      if (!own.every((e) => String(e['value']).includes(identity.userName))) throw new Error('seed: a template email does not contain its userName');
    }
    const perPerson = (rows: Row[]) => rows.length / ids.length;
    this.learned.set(tenantId, {
      userColumns: Object.keys(users[0] ?? {}).map(identifier),
      emailColumns: Object.keys(emails[0] ?? {}).map(identifier),
      folderMemberColumns: Object.keys(folderMembers[0] ?? {}).map(identifier),
      paths: paths ?? [],
      emailsPerPerson: perPerson(emails),
      foldersPerPerson: perPerson(folderMembers),
    });
  }

  /** Every text column of every table, searched for the template ids: a table the seed does not know must not hold any. */
  private async checkNoOtherOwnedRows(ids: readonly string[]): Promise<void> {
    const columns =
      this.sql.engine === 'sqlite'
        ? (
            await this.sql.all(
              `select m.name as t, p.name as c from sqlite_master m join pragma_table_info(m.name) p
               where m.type = 'table' and m.name not like 'sqlite_%' and upper(p.type) = 'TEXT'`,
            )
          ).map((r) => [String(r['t']), String(r['c'])] as const)
        : (
            await this.sql.all(
              `select table_name as t, column_name as c from information_schema.columns
               where table_schema = current_schema() and data_type = 'text'`,
            )
          ).map((r) => [String(r['t']), String(r['c'])] as const);
    const marks = ids.map(() => '?').join(', ');
    for (const [table, column] of columns) {
      if (CLONED_TABLES.has(table) || HISTORY_TABLES.has(table) || TRIGGER_FILLED_TABLES.has(table)) continue;
      const [hit] = await this.sql.all(`select count(*) as n from ${identifier(table)} where ${identifier(column)} in (${marks})`, ids);
      if (Number(hit?.['n'] ?? 0) > 0) {
        throw new Error(`seed: creating a person wrote rows to ${table} (${column}), which bench/seed.ts does not clone; teach it that table`);
      }
    }
  }

  /**
   * Clones the templates into people number [from, to) of `prefix` (see seededIdentity), in
   * transactions of `chunk` people. Answers each chunk's duration.
   */
  async clone(templates: Templates, from: number, to: number, chunk: number, onChunk?: (done: number) => void): Promise<SeedChunk[]> {
    checkPrefix(templates.prefix);
    if (to - 1 > MAX_INDEX) throw new Error(`seed: at most ${MAX_INDEX + 1} people per prefix`);
    const learned = this.learned.get(templates.tenantId);
    if (!learned) throw new Error('seed: learn(templates) first');
    await this.ensureScratch();
    await this.stageTemplates(templates);
    const chunks: SeedChunk[] = [];
    for (let start = from; start < to; start += chunk) {
      const end = Math.min(to, start + chunk);
      const t0 = performance.now();
      await this.inTransaction(async () => {
        await this.sql.run('delete from seed_batch');
        await this.fillScratch(templates, start, end);
        const users = await this.sql.run(...this.insertUsers(learned));
        const emails = learned.emailColumns.length > 0 ? await this.sql.run(...this.insertEmails(learned)) : 0;
        const folders = learned.folderMemberColumns.length > 0 ? await this.sql.run(...this.insertFolderMembers(learned)) : 0;
        const n = end - start;
        if (users !== n || emails !== n * learned.emailsPerPerson || folders !== n * learned.foldersPerPerson) {
          throw new Error(`seed: chunk [${start}, ${end}) wrote ${users} people, ${emails} emails, ${folders} folder rows`);
        }
      });
      chunks.push({ rows: end - start, ms: performance.now() - t0 });
      onChunk?.(end - from);
    }
    return chunks;
  }

  /** After a bulk load: PostgreSQL's statistics (ANALYZE); SQLite's WAL folded into the database file. */
  async settle(): Promise<void> {
    if (this.sql.engine === 'postgres') await this.sql.run('analyze users, user_emails, folder_members');
    else await this.sql.all('pragma wal_checkpoint(TRUNCATE)');
  }

  /** Ids of seeded people number [from, from + count) of `prefix`, in that order. */
  async ids(tenantId: string, prefix: string, from: number, count: number): Promise<string[]> {
    const rows = await this.sql.all(`select id from users where tenant_id = ? and user_name_fold >= ? and user_name_fold < ? order by user_name_fold limit ?`, [
      tenantId,
      seededIdentity(prefix, from).userName,
      `${prefix}/`,
      count,
    ]);
    return rows.map((r) => String(r['id']));
  }

  private async inTransaction(work: () => Promise<void>): Promise<void> {
    // SQLite: take the write lock up front, so the chunk never fails half-way on a busy database.
    await this.sql.run(this.sql.engine === 'sqlite' ? 'begin immediate' : 'begin');
    try {
      await work();
      await this.sql.run('commit');
    } catch (error) {
      await this.sql.run('rollback').catch(() => {});
      throw error;
    }
  }

  private async ensureScratch(): Promise<void> {
    if (this.scratchReady) return;
    const columns =
      'i integer primary key, id text not null, user_name text not null, external_id text not null, employee_number text not null, given text not null, family text not null, template_id text not null, created_ms bigint not null';
    await this.sql.run(`create temp table if not exists seed_batch (${columns})`);
    this.scratchReady = true;
  }

  /**
   * Copies the templates' rows into small temporary tables that the inserts read. Reading them from
   * the real tables instead leaves the join order to the planner, and SQLite (without statistics)
   * scans a tenant's whole folder_members through its covering primary key for each clone rather
   * than use the (tenant_id, user_id) index: quadratic, minutes per chunk.
   */
  private async stageTemplates(templates: Templates): Promise<void> {
    const marks = templates.ids.map(() => '?').join(', ');
    for (const [staged, table, owner] of [
      ['seed_tpl_users', 'users', 'id'],
      ['seed_tpl_emails', 'user_emails', 'user_id'],
      ['seed_tpl_folders', 'folder_members', 'user_id'],
    ] as const) {
      await this.sql.run(`drop table if exists ${staged}`);
      await this.sql.run(`create temp table ${staged} as select * from ${table} where tenant_id = ? and ${owner} in (${marks})`, [templates.tenantId, ...templates.ids]);
    }
  }

  private async fillScratch(templates: Templates, from: number, to: number): Promise<void> {
    const now = Date.now();
    // The first 13 characters of a UUIDv7 are its millisecond timestamp; the rest is random.
    const hex = now.toString(16).padStart(12, '0');
    const stamp = `${hex.slice(0, 8)}-${hex.slice(8, 12)}`;
    const names = Array.from({ length: 100 }, (_, k) => {
      const id = seededIdentity('x', k);
      if (!/^[A-Za-z]+$/.test(id.givenName + id.familyName)) throw new Error('seed names must be ASCII letters');
      return `(${k}, '${id.givenName}', '${id.familyName}')`;
    }).join(', ');
    const templateValues = templates.ids.map((_, k) => `(${k}, ?)`).join(', ');
    const { prefix } = templates;
    if (this.sql.engine === 'sqlite') {
      await this.sql.run(
        `insert into seed_batch (i, id, user_name, external_id, employee_number, given, family, template_id, created_ms)
         with recursive seq(i) as (select ? union all select i + 1 from seq where i + 1 < ?),
           names(k, given, family) as (values ${names}),
           templates(k, id) as (values ${templateValues})
         select seq.i,
           ? || '-7' || printf('%03x', random() & 4095) || '-' || printf('%04x', 32768 | (random() & 16383)) || '-' || printf('%012x', random() & 281474976710655),
           printf('%s.%07d@example.com', ?, seq.i), printf('00u%s%08d', ?, seq.i), printf('%s-%07d', ?, seq.i),
           names.given, names.family, templates.id, ?
         from seq join names on names.k = seq.i % 100 join templates on templates.k = seq.i % ?`,
        [from, to, ...templates.ids, stamp, prefix, prefix, prefix, now, templates.ids.length],
      );
    } else {
      await this.sql.run(
        `insert into seed_batch (i, id, user_name, external_id, employee_number, given, family, template_id, created_ms)
         select s.i,
           overlay(overlay(gen_random_uuid()::text placing ?::text from 1 for 13) placing '7' from 15 for 1),
           format('%s.%s@example.com', ?::text, lpad(s.i::text, 7, '0')), format('00u%s%s', ?::text, lpad(s.i::text, 8, '0')),
           format('%s-%s', ?::text, lpad(s.i::text, 7, '0')),
           n.given, n.family, t.id, ?::bigint
         from generate_series(?::int, ?::int - 1) as s(i)
           join (values ${names}) as n(k, given, family) on n.k = s.i % 100
           join (values ${templates.ids.map((_, k) => `(${k}, ?::text)`).join(', ')}) as t(k, id) on t.k = s.i % ?::int`,
        [stamp, prefix, prefix, prefix, now, from, to, ...templates.ids, templates.ids.length],
      );
    }
  }

  /** The template's document with each identity path rewritten to the clone's value. */
  private documentExpression(learned: LearnedTemplate, params: Param[]): string {
    if (this.sql.engine === 'sqlite') {
      const pairs = learned.paths.map(({ path, kind }) => {
        params.push(sqlitePath(path));
        return `?, ${CLONE_VALUE[kind]}`;
      });
      return `json_set(t.data, ${pairs.join(', ')})`;
    }
    let expression = 't.data';
    for (const { path, kind } of learned.paths) {
      params.push(path.map(String));
      expression = `jsonb_set(${expression}, ?::text[], to_jsonb(${CLONE_VALUE[kind]}))`;
    }
    return expression;
  }

  // Each insert joins the scratch rows with the staged template rows (a handful), never with the
  // tables being filled.

  private insertUsers(learned: LearnedTemplate): [string, Param[]] {
    const params: Param[] = [];
    const overrides: Record<string, () => string> = {
      id: () => 'b.id',
      user_name: () => 'b.user_name',
      user_name_fold: () => 'b.user_name',
      external_id: () => 'b.external_id',
      display_name_fold: () => "lower(b.given || ' ' || b.family)",
      employee_number: () => 'b.employee_number',
      created_ms: () => 'b.created_ms',
      modified_ms: () => 'b.created_ms',
      data: () => this.documentExpression(learned, params),
      // userSearchText (src/storage/search-text.ts) of the clone: its userName (also its email)
      // and "given family" (also its displayName, and containing given and family). The
      // template has no formatted name or title. Seed names are ASCII: lower() folds as foldText.
      search_text: () => `b.user_name || ${this.sql.engine === 'sqlite' ? 'char(31)' : 'chr(31)'} || lower(b.given || ' ' || b.family)`,
      // personNameKey (src/storage/name-key.ts) of the clone: "given family", folded (ASCII, as above).
      name_key: () => "lower(b.given || ' ' || b.family)",
    };
    const select = learned.userColumns.map((c) => overrides[c]?.() ?? `t.${c}`).join(', ');
    return [`insert into users (${learned.userColumns.join(', ')}) select ${select} from seed_batch b join seed_tpl_users t on t.id = b.template_id`, params];
  }

  private insertEmails(learned: LearnedTemplate): [string, Param[]] {
    const overrides: Record<string, string> = {
      user_id: 'b.id',
      value: 'replace(e.value, t.user_name, b.user_name)',
      value_fold: 'replace(e.value_fold, t.user_name_fold, b.user_name)',
    };
    const select = learned.emailColumns.map((c) => overrides[c] ?? `e.${c}`).join(', ');
    return [
      `insert into user_emails (${learned.emailColumns.join(', ')}) select ${select} from seed_batch b
       join seed_tpl_users t on t.id = b.template_id join seed_tpl_emails e on e.user_id = t.id`,
      [],
    ];
  }

  private insertFolderMembers(learned: LearnedTemplate): [string, Param[]] {
    const select = learned.folderMemberColumns.map((c) => (c === 'user_id' ? 'b.id' : `f.${c}`)).join(', ');
    return [
      `insert into folder_members (${learned.folderMemberColumns.join(', ')}) select ${select} from seed_batch b
       join seed_tpl_folders f on f.user_id = b.template_id`,
      [],
    ];
  }
}

// ---------------------------------------------------------------------------------------------
// Checking the result through the API

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * GETs a few seeded people by id and finds them by each filter the bench uses, comparing what
 * comes back with what the seed meant to write. Answers the problems found (none expected).
 */
export async function verifySeeded(port: number, token: string, prefix: string, indexes: readonly number[], expectedTotal: number): Promise<string[]> {
  const client = new HttpClient(port, 1);
  const headers = { ...SCIM_HEADERS, authorization: `Bearer ${token}` };
  const get = async (path: string) => {
    const answer = await sendWithin(client, { method: 'GET', path: `/scim/v2${path}`, headers });
    return { status: answer.status, body: answer.status === 200 ? (JSON.parse(answer.body) as Record<string, unknown>) : {} };
  };
  const problems: string[] = [];
  try {
    const total = await get('/Users?count=0');
    if (total.body['totalResults'] !== expectedTotal) problems.push(`seed: the tenant lists ${String(total.body['totalResults'])} people, expected ${expectedTotal}`);
    for (const index of indexes) {
      const who = seededIdentity(prefix, index);
      const filters = [`userName eq "${who.userName}"`, `externalId eq "${who.externalId}"`, `emails[type eq "work"].value eq "${who.userName}"`];
      const found = await Promise.all(filters.map((f) => get(`/Users?filter=${encodeURIComponent(f)}`)));
      const ids = found.map((r) => ((r.body['Resources'] as Record<string, unknown>[] | undefined) ?? []).map((u) => u['id']));
      const id = ids[0]?.[0];
      if (typeof id !== 'string' || ids.some((list) => list.length !== 1 || list[0] !== id)) {
        problems.push(`seed: person ${index} found as ${JSON.stringify(ids)} by ${filters.join(' / ')}`);
        continue;
      }
      const read = await get(`/Users/${id}`);
      const user = read.body;
      const name = user['name'] as Record<string, unknown> | undefined;
      const emails = user['emails'] as Record<string, unknown>[] | undefined;
      const ext = user[ENTERPRISE] as Record<string, unknown> | undefined;
      const meta = user['meta'] as Record<string, unknown> | undefined;
      const checks: [string, unknown, unknown][] = [
        ['status', read.status, 200],
        ['id format', UUID_V7.test(id), true],
        ['userName', user['userName'], who.userName],
        ['externalId', user['externalId'], who.externalId],
        ['displayName', user['displayName'], who.displayName],
        ['name.givenName', name?.['givenName'], who.givenName],
        ['name.familyName', name?.['familyName'], who.familyName],
        ['emails[0].value', emails?.[0]?.['value'], who.userName],
        ['employeeNumber', ext?.['employeeNumber'], who.employeeNumber],
        ['department', ext?.['department'], SEED_DEPARTMENTS[index % SEED_DEPARTMENTS.length]],
        ['active', user['active'], true],
        [
          'meta.created is the id time',
          typeof meta?.['created'] === 'string' && Date.parse(String(meta['created'])) === parseInt(id.replace('-', '').slice(0, 12), 16),
          true,
        ],
      ];
      for (const [what, actual, expected] of checks) {
        if (actual !== expected) problems.push(`seed: person ${index} (${id}) ${what} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
      }
    }
  } finally {
    client.close();
  }
  return problems;
}
