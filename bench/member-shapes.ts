/**
 * Group members in the shapes identity providers really send (docs/idp-behaviors.md: the recorded
 * shapes, not only { value }): PATCH adding 1,000 members to a fresh group in each shape, built
 * from the normalisers' recorded requests (src/testing/member-shapes.ts), and a page of 100 groups.
 *
 * Time is measured over HTTP against the bench server (bench/serve.ts, what `npm start` runs).
 * Statements per request are counted in this process on a server of its own on the same engine
 * (src/storage/sql/statement-count.ts), since counting them in the measured server would change
 * what is measured; the credential lookup, normally served from memory, is left out of the count.
 */
import { countStatements } from '../src/storage/sql/statement-count.js';
import { createTestServer } from '../src/testing/test-server.js';
import { MEMBER_SHAPE_LABELS, membersInShape, type MemberShape } from '../src/testing/member-shapes.js';
import { BENCH_SERVER_SETTINGS, startServer } from './child.js';
import type { BenchDatabase } from './databases.js';
import { SCIM_HEADERS } from './fixtures.js';
import { HttpClient, summarise, type LatencySummary } from './load.js';
import { progress } from './observe.js';
import { creates } from './scenarios.js';
import type { Engine } from './report.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface MemberShapeSettings {
  /** Members per PATCH. */
  readonly members: number;
  readonly patchReps: number;
  readonly patchWarmups: number;
  /** Groups on the page read, and members in each of them. */
  readonly pageGroups: number;
  readonly membersPerPageGroup: number;
  readonly pageReps: number;
  readonly pageWarmups: number;
}

const FULL: MemberShapeSettings = {
  members: 1000,
  patchReps: 5,
  patchWarmups: 1,
  pageGroups: 100,
  membersPerPageGroup: 10,
  pageReps: 20,
  pageWarmups: 3,
};

/** The full sizes, or small ones for `--quick` (the same shapes, far fewer rows and repetitions). */
export function memberShapeSettingsFor(quick: boolean): MemberShapeSettings {
  return quick ? { ...FULL, members: 200, patchReps: 2, pageGroups: 50, pageReps: 5, pageWarmups: 1 } : FULL;
}

type Mix = 'known' | 'unknown' | 'mixed';

interface ShapeCase {
  readonly key: string;
  readonly label: string;
  readonly shape: MemberShape;
  readonly mix: Mix;
}

const CASES: readonly ShapeCase[] = [
  { key: 'minimal', label: MEMBER_SHAPE_LABELS.minimal, shape: 'minimal', mix: 'known' },
  { key: 'okta', label: MEMBER_SHAPE_LABELS.okta, shape: 'okta', mix: 'known' },
  { key: 'entra', label: MEMBER_SHAPE_LABELS.entra, shape: 'entra', mix: 'known' },
  { key: 'typed', label: MEMBER_SHAPE_LABELS.typed, shape: 'typed', mix: 'known' },
  { key: 'okta-unknown', label: 'Okta shape, every id unknown (held pending)', shape: 'okta', mix: 'unknown' },
  { key: 'okta-mixed', label: 'Okta shape, half known, half unknown', shape: 'okta', mix: 'mixed' },
];

const PAGES = [
  { key: 'page', query: '' },
  { key: 'page-no-members', query: '&excludedAttributes=members' },
] as const;

export interface MemberShapeRow {
  readonly key: string;
  readonly label: string;
  readonly latencyMs: LatencySummary;
  readonly statements: number;
  readonly verified: boolean;
  readonly problems: string[];
}

export interface MemberShapeReport {
  readonly engine: Engine;
  readonly status: 'ok' | 'failed';
  readonly error?: string;
  readonly rows: MemberShapeRow[];
}

/** `n` member ids: people who exist, ids never seen, or half of each. */
function idsFor(mix: Mix, people: readonly string[], n: number, salt: string): { ids: string[]; known: number } {
  const strangers = (count: number) => Array.from({ length: count }, (_, i) => `not-yet-${salt}-${i}@example.com`);
  if (mix === 'known') return { ids: people.slice(0, n), known: n };
  if (mix === 'unknown') return { ids: strangers(n), known: 0 };
  return { ids: [...people.slice(0, n / 2), ...strangers(n - n / 2)], known: n / 2 };
}

const patchBody = (members: unknown[]) => JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: members }] });

/** Statements per request for each case, on a server in this process with a database of its own. */
async function countPerRequest(engine: Engine, settings: MemberShapeSettings, pgUrl: string): Promise<Map<string, number>> {
  process.env['ROSTER_TEST_PG_URL'] = pgUrl;
  const t = await createTestServer(engine, { ...BENCH_SERVER_SETTINGS.serverEnv });
  const counts = new Map<string, number>();
  const counted = async (method: string, path: string, body?: unknown) => {
    const run = await countStatements(() => t.scim(method, path, body as never));
    if (run.value.status >= 300) throw new Error(`${method} ${path} → ${run.value.status} ${run.value.raw.slice(0, 300)}`);
    // Per-request overhead aside: the credential lookup, and on PostgreSQL the rate-limit upsert
    // (one per SCIM request, whatever it does).
    return run.texts.filter((text) => !/\bfrom credentials\b|\binto rate_windows\b/i.test(text)).length;
  };
  try {
    const people: string[] = [];
    for (let i = 0; i < settings.members; i++) {
      const r = await t.scim('POST', '/Users', { userName: `count.${i}@example.com` });
      people.push(String(r.body['id']));
    }
    let n = 0;
    for (const c of CASES) {
      const group = String((await t.scim('POST', '/Groups', { displayName: `count ${++n}` })).body['id']);
      const { ids } = idsFor(c.mix, people, settings.members, c.key);
      counts.set(c.key, await counted('PATCH', `/Groups/${group}`, JSON.parse(patchBody(membersInShape(c.shape, ids)))));
    }
    for (let g = 0; g < settings.pageGroups; g++) {
      const members = membersInShape('okta', people.slice(g, g + settings.membersPerPageGroup));
      await t.scim('POST', '/Groups', { displayName: `page ${g}`, members });
    }
    for (const p of PAGES) counts.set(p.key, await counted('GET', `/Groups?count=${settings.pageGroups}${p.query}`));
    return counts;
  } finally {
    await t.close();
  }
}

/** Times each case over HTTP against the bench server. */
async function timeOverHttp(engine: Engine, db: BenchDatabase, settings: MemberShapeSettings, root: string): Promise<MemberShapeRow[]> {
  const server = await startServer({
    databaseUrl: db.serverUrl,
    poolSize: BENCH_SERVER_SETTINGS.poolSize,
    logLevel: BENCH_SERVER_SETTINGS.logLevel,
    env: BENCH_SERVER_SETTINGS.serverEnv,
    tenants: ['shapes', 'pages'],
    cwd: root,
  });
  const client = new HttpClient(server.port, 1);
  const headersOf = (tenant: string) => ({ ...SCIM_HEADERS, authorization: `Bearer ${server.tokens[tenant] ?? ''}` });
  const rows: MemberShapeRow[] = [];
  try {
    progress(`${engine}: ${settings.members} people to name as members`);
    const made = await creates(server, 'shapes', { prefix: 'shape', count: settings.members, clients: 8 });
    const people = made.ids;
    const headers = headersOf('shapes');
    let n = 0;
    for (const c of CASES) {
      progress(`${engine}: ${settings.patchWarmups} + ${settings.patchReps} PATCH adding ${settings.members} members as ${c.label}`);
      const samples: number[] = [];
      const problems: string[] = [];
      for (let rep = 0; rep < settings.patchWarmups + settings.patchReps; rep++) {
        const created = await client.send({ method: 'POST', path: '/scim/v2/Groups', headers, body: JSON.stringify({ displayName: `shape group ${++n}` }) });
        const groupId = (JSON.parse(created.body) as { id: string }).id;
        const { ids, known } = idsFor(c.mix, people, settings.members, `${c.key}-${rep}`);
        const body = patchBody(membersInShape(c.shape, ids));
        const t0 = process.hrtime.bigint();
        const answer = await client.send({ method: 'PATCH', path: `/scim/v2/Groups/${groupId}`, headers, body });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (answer.status !== 204) problems.push(`PATCH → ${answer.status} ${answer.body.slice(0, 200)}`);
        if (rep >= settings.patchWarmups) samples.push(ms);
        const read = await client.send({ method: 'GET', path: `/scim/v2/Groups/${groupId}?attributes=members`, headers });
        const members = (JSON.parse(read.body) as { members?: unknown[] }).members ?? [];
        if (members.length !== known) problems.push(`${members.length} members after the PATCH, expected ${known}`);
      }
      rows.push({ key: c.key, label: c.label, latencyMs: summarise(samples), statements: Number.NaN, verified: problems.length === 0, problems: problems.slice(0, 3) });
    }

    progress(`${engine}: ${settings.pageGroups} groups of ${settings.membersPerPageGroup} members, then pages of ${settings.pageGroups}`);
    const pageHeaders = headersOf('pages');
    const pagePeople = (await creates(server, 'pages', { prefix: 'page', count: settings.pageGroups + settings.membersPerPageGroup, clients: 8 })).ids;
    for (let g = 0; g < settings.pageGroups; g++) {
      const members = membersInShape('okta', pagePeople.slice(g, g + settings.membersPerPageGroup));
      const created = await client.send({
        method: 'POST',
        path: '/scim/v2/Groups',
        headers: pageHeaders,
        body: JSON.stringify({ displayName: `page group ${g}`, members }),
      });
      if (created.status !== 201) throw new Error(`creating a page group answered ${created.status}: ${created.body.slice(0, 300)}`);
    }
    for (const p of PAGES) {
      const samples: number[] = [];
      const problems: string[] = [];
      for (let rep = 0; rep < settings.pageWarmups + settings.pageReps; rep++) {
        const t0 = process.hrtime.bigint();
        const answer = await client.send({ method: 'GET', path: `/scim/v2/Groups?count=${settings.pageGroups}${p.query}`, headers: pageHeaders });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        const resources = answer.status === 200 ? ((JSON.parse(answer.body) as { Resources?: unknown[] }).Resources ?? []) : [];
        if (resources.length !== settings.pageGroups) problems.push(`→ ${answer.status}, ${resources.length} groups`);
        if (rep >= settings.pageWarmups) samples.push(ms);
      }
      rows.push({
        key: p.key,
        label: `GET /Groups?count=${settings.pageGroups}${p.query}`,
        latencyMs: summarise(samples),
        statements: Number.NaN,
        verified: problems.length === 0,
        problems: problems.slice(0, 3),
      });
    }
    return rows;
  } finally {
    client.close();
    await server.stop();
  }
}

/** Runs the member-shape scenarios on one engine: timed over HTTP, statements counted in process. */
export async function runMemberShapes(
  engine: Engine,
  db: BenchDatabase,
  options: { root: string; pgUrl: string },
  settings: MemberShapeSettings,
): Promise<MemberShapeReport> {
  try {
    const timed = await timeOverHttp(engine, db, settings, options.root);
    progress(`${engine}: counting statements per request (a server in this process)`);
    const counts = await countPerRequest(engine, settings, options.pgUrl);
    return { engine, status: 'ok', rows: timed.map((row) => ({ ...row, statements: counts.get(row.key) ?? Number.NaN })) };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${engine} member shapes failed: ${message}\n`);
    return { engine, status: 'failed', error: message, rows: [] };
  }
}

/** The table printed after a run. */
export function renderMemberShapes(reports: readonly MemberShapeReport[], settings: MemberShapeSettings): string {
  const lines = [
    '',
    `Member shapes: PATCH adding ${settings.members} members to a fresh group (median of ${settings.patchReps}), and a page of ${settings.pageGroups} groups of ${settings.membersPerPageGroup} members (median of ${settings.pageReps})`,
    `${'engine'.padEnd(9)}${'request'.padEnd(58)}${'median ms'.padStart(10)}${'max ms'.padStart(9)}${'statements'.padStart(12)}  check`,
  ];
  for (const r of reports) {
    if (r.status !== 'ok') {
      lines.push(`${r.engine.padEnd(9)}failed: ${r.error?.split('\n')[0] ?? ''}`);
      continue;
    }
    for (const row of r.rows) {
      lines.push(
        `${r.engine.padEnd(9)}${row.label.slice(0, 57).padEnd(58)}${row.latencyMs.p50.toFixed(1).padStart(10)}${row.latencyMs.max.toFixed(1).padStart(9)}${String(row.statements).padStart(12)}  ${row.verified ? 'ok' : row.problems.join('; ')}`,
      );
    }
  }
  return `${lines.join('\n')}\n\n`;
}
