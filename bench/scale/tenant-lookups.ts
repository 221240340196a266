/**
 * Scale scenario 2: filtered lookups in one large tenant (seeded by bench/seed.ts), by each filter
 * IdPs send, 8 clients, each kind on its own for a bounded count and time. Measured at several
 * tenant sizes as the seed grows, so throughput and tail latency can be read against size.
 */
import { scatter } from '../fixtures.js';
import { seededIdentity } from '../seed.js';
import type { ServerHandle } from '../scenarios.js';
import { boundedLoop, filterParam, KindRecorder, ScimSession, totalResults, type KindResult } from './session.js';
import type { ScaleSettings } from './settings.js';

/** Each lookup kind: the filter for seeded people number i and j (of n), and how many it must find. */
export const LOOKUP_KINDS: readonly { readonly name: string; readonly filter: (prefix: string, i: number, j: number) => string; readonly finds: number }[] = [
  { name: 'userName eq', filter: (p, i) => `userName eq "${seededIdentity(p, i).userName}"`, finds: 1 },
  { name: 'externalId eq', filter: (p, i) => `externalId eq "${seededIdentity(p, i).externalId}"`, finds: 1 },
  { name: 'emails[type eq "work"].value eq', filter: (p, i) => `emails[type eq "work"].value eq "${seededIdentity(p, i).userName}"`, finds: 1 },
  { name: 'userName eq and active eq true', filter: (p, i) => `userName eq "${seededIdentity(p, i).userName}" and active eq true`, finds: 1 },
  {
    name: '(externalId eq or userName eq) and active',
    filter: (p, i, j) => `(externalId eq "${seededIdentity(p, i).externalId}" or userName eq "${seededIdentity(p, j).userName}") and active eq true`,
    finds: 2,
  },
];

export interface LookupsAtSize {
  /** People in the tenant when measured. */
  readonly tenantSize: number;
  readonly kinds: Readonly<Record<string, KindResult & { readonly durationMs: number; readonly timeBound: boolean }>>;
}

/** Runs every lookup kind against seeded people [0, seeded) of `prefix` in `tenant`. */
export async function tenantLookups(
  server: ServerHandle,
  tenant: string,
  prefix: string,
  seeded: number,
  tenantSize: number,
  settings: ScaleSettings,
): Promise<LookupsAtSize> {
  const token = server.tokens[tenant];
  if (!token) throw new Error(`no token for ${tenant}`);
  const { clients, maxOpsPerKind, maxMsPerKind } = settings.lookups;
  const kinds: Record<string, KindResult & { durationMs: number; timeBound: boolean }> = {};
  for (const kind of LOOKUP_KINDS) {
    const recorder = new KindRecorder();
    const session = new ScimSession(server.port, token, clients, recorder, settings.requestTimeoutMs);
    try {
      const run = await boundedLoop({ clients, maxOps: maxOpsPerKind, maxMs: maxMsPerKind }, async (n) => {
        const i = scatter(n, seeded);
        const j = scatter(n + 1, seeded);
        const other = j === i ? (i + 1) % seeded : j;
        await session.send(kind.name, 'GET', `/Users?${filterParam(kind.filter(prefix, i, other))}&startIndex=1&count=100`, undefined, totalResults(kind.finds));
      });
      const result = recorder.results()[kind.name];
      if (result) kinds[kind.name] = { ...result, durationMs: run.durationMs, timeBound: run.timedOut };
    } finally {
      session.close();
    }
  }
  return { tenantSize, kinds };
}
