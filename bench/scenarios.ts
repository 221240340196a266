/**
 * The HTTP scenarios, each against a running bench server (bench/serve.ts) on 127.0.0.1:
 * creates (POST /Users), lookups (GET /Users?filter=userName eq …), one large membership PATCH,
 * and the empty route (GET /healthz) as the HTTP stack's own limit.
 */
import { addMembersPatch, benchUserName, oktaUser, scatter, SCIM_HEADERS } from './fixtures.js';
import { HttpClient, httpLoad, summarise, type LatencySummary, type LoadResult } from './load.js';

export interface ServerHandle {
  readonly port: number;
  readonly tokens: Readonly<Record<string, string>>;
}

function auth(server: ServerHandle, tenant: string): Record<string, string> {
  const token = server.tokens[tenant];
  if (!token) throw new Error(`no token for bench tenant ${tenant}`);
  return { ...SCIM_HEADERS, authorization: `Bearer ${token}` };
}

export interface CreatesOutcome {
  readonly result: LoadResult;
  /** Ids of the people created, in request order (missing when a create failed). */
  readonly ids: string[];
  readonly userNames: string[];
}

/** `count` POST /Users in one tenant from `clients` connections; userNames are `<prefix>.<i>@example.com`. */
export async function creates(
  server: ServerHandle,
  tenant: string,
  options: { prefix: string; first?: number; count: number; clients: number },
): Promise<CreatesOutcome> {
  const headers = auth(server, tenant);
  const first = options.first ?? 0;
  const ids: string[] = [];
  const userNames: string[] = [];
  const result = await httpLoad({
    port: server.port,
    clients: options.clients,
    total: options.count,
    request: (i) => ({ method: 'POST', path: '/scim/v2/Users', headers, body: JSON.stringify(oktaUser(options.prefix, first + i)) }),
    expect: (answer) => answer.status === 201,
    onAnswer: (answer, i) => {
      if (answer.status !== 201) return;
      const id = (JSON.parse(answer.body) as { id?: unknown }).id;
      if (typeof id === 'string') {
        ids.push(id);
        userNames.push(benchUserName(options.prefix, first + i));
      }
    },
  });
  return { result, ids, userNames };
}

/** `count` filtered GET /Users for existing userNames (scattered over them) from `clients` connections. */
export async function lookups(server: ServerHandle, tenant: string, options: { userNames: readonly string[]; count: number; clients: number }): Promise<LoadResult> {
  const headers = auth(server, tenant);
  const names = options.userNames;
  if (names.length === 0) throw new Error('lookups need existing users');
  return httpLoad({
    port: server.port,
    clients: options.clients,
    total: options.count,
    request: (i) => {
      const filter = encodeURIComponent(`userName eq "${names[scatter(i, names.length)] ?? ''}"`);
      return { method: 'GET', path: `/scim/v2/Users?filter=${filter}&startIndex=1&count=100`, headers };
    },
    // Exactly one match: a lookup that finds nothing is fast and wrong.
    expect: (answer) => answer.status === 200 && answer.body.includes('"totalResults":1'),
  });
}

/** `count` GET /healthz: routing, hooks and serialisation with no authentication or database. */
export async function healthz(server: ServerHandle, options: { count: number; clients: number }): Promise<LoadResult> {
  return httpLoad({
    port: server.port,
    clients: options.clients,
    total: options.count,
    request: () => ({ method: 'GET', path: '/healthz' }),
    expect: (answer) => answer.status === 200,
  });
}

export interface PatchOutcome {
  readonly members: number;
  readonly warmups: number;
  /** Latency of each measured PATCH, in order. */
  readonly samplesMs: number[];
  readonly latencyMs: LatencySummary;
  /** Whether every group read back afterwards had exactly `members` members. */
  readonly verified: boolean;
  readonly statuses: Record<string, number>;
  readonly unexpected: string[];
}

/**
 * One PATCH adding `memberIds` to a fresh group, `reps` times (after `warmups` unmeasured ones),
 * one at a time. Creating the group and reading it back are not timed.
 */
export async function largePatch(
  server: ServerHandle,
  tenant: string,
  options: { memberIds: readonly string[]; reps: number; warmups: number; prefix: string },
): Promise<PatchOutcome> {
  const headers = auth(server, tenant);
  const client = new HttpClient(server.port, 1);
  const samplesMs: number[] = [];
  const statuses: Record<string, number> = {};
  const unexpected: string[] = [];
  let verified = true;
  const body = addMembersPatch(options.memberIds);
  try {
    for (let rep = 0; rep < options.warmups + options.reps; rep++) {
      const created = await client.send({
        method: 'POST',
        path: '/scim/v2/Groups',
        headers,
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `${options.prefix} group ${rep}` }),
      });
      if (created.status !== 201) throw new Error(`creating a group answered ${created.status}: ${created.body.slice(0, 300)}`);
      const groupId = (JSON.parse(created.body) as { id: string }).id;
      const t0 = process.hrtime.bigint();
      const answer = await client.send({ method: 'PATCH', path: `/scim/v2/Groups/${groupId}`, headers, body });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      if (answer.status !== 204 && answer.status !== 200) {
        verified = false;
        if (unexpected.length < 5) unexpected.push(`PATCH /Groups/${groupId} → ${answer.status} ${answer.body.slice(0, 300)}`);
      }
      if (rep >= options.warmups) samplesMs.push(ms);
      const read = await client.send({ method: 'GET', path: `/scim/v2/Groups/${groupId}?attributes=members`, headers });
      const members = (JSON.parse(read.body) as { members?: unknown[] }).members ?? [];
      if (read.status !== 200 || members.length !== options.memberIds.length) {
        verified = false;
        if (unexpected.length < 5)
          unexpected.push(`GET /Groups/${groupId} after PATCH → ${read.status}, ${members.length} members (expected ${options.memberIds.length})`);
      }
    }
  } finally {
    client.close();
  }
  return { members: options.memberIds.length, warmups: options.warmups, samplesMs, latencyMs: summarise(samplesMs), verified, statuses, unexpected };
}
