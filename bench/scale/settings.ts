/** Sizes, bounds and targets of the scale scenarios, for quick and full runs. */
import type { RawSettings } from '../raw-driver.js';
import type { Engine } from '../report.js';

export interface ScaleTargets {
  /** Initial sync of `initialSync.users` people (the target is for 100,000; quick runs scale it down linearly). */
  readonly syncSecondsPer100k: number;
  readonly lookupP99Ms: number;
  readonly groupAddMs: number;
  readonly memoryMb: number;
  /** Cursor pages deep in the tenant count as "as fast as the first" within this factor (timing noise). */
  readonly deepPageFactor: number;
}

export interface ScaleSettings {
  readonly mode: 'quick' | 'full';
  /** No request may take longer than this (then it is recorded as a timeout). */
  readonly requestTimeoutMs: number;
  /** Longest wait for the machine to go quiet before each scenario (0: do not wait, quick runs). */
  readonly quietWaitMs: number;
  readonly healthz: { readonly count: number; readonly clients: number };
  /** Raw-driver limits, when the core scenarios did not measure them in this run (--scale-only). */
  readonly rawLimits: RawSettings;
  readonly initialSync: {
    readonly users: number;
    readonly groups: number;
    readonly clients: number;
    /** Members per PATCH (Okta sends them in batches). */
    readonly memberBatch: number;
    /** Time bound of each phase (people, groups, memberships), so a slow phase does not hide the others. */
    readonly phaseMaxMs: { readonly users: number; readonly groups: number; readonly members: number };
  };
  readonly lookups: {
    readonly clients: number;
    /** Tenant sizes the lookups are measured at, as the seed grows. */
    readonly tenantSizes: readonly number[];
    readonly maxOpsPerKind: number;
    readonly maxMsPerKind: number;
    /** People per seed transaction. */
    readonly seedChunk: number;
  };
  readonly bigGroup: {
    readonly members: number;
    readonly batch: number;
    readonly reps: number;
    readonly warmups: number;
    readonly summaryReads: number;
    readonly fullReads: number;
  };
  readonly paging: {
    readonly pageSize: number;
    /** Page size while walking down to the depths measured (cursors do not depend on the page size). */
    readonly walkPageSize: number;
    readonly walkMaxMs: number;
    /** Depths as shares of the tenant where `pagesPerDepth` consecutive cursor pages are timed. */
    readonly depths: readonly number[];
    readonly pagesPerDepth: number;
    readonly startIndexes: readonly number[];
    readonly startIndexReps: number;
  };
  readonly mixed: {
    readonly clients: number;
    readonly tenants: number;
    readonly usersPerTenant: number;
    readonly groupsPerTenant: number;
    readonly membersPerGroup: number;
    readonly durationMs: number;
    readonly maxOps: number;
    /** At most this share of a tenant is deactivated during the run (the mass-change guard's limit is 20%). */
    readonly deactivationBudget: number;
  };
  /** PostgreSQL with autovacuum off: how often the auto-ANALYZE stand-in looks (scale/autoanalyze.ts). */
  readonly autoAnalyzeMs: number;
  readonly memory: {
    readonly sampleMs: number;
    /** After a GC in the server: wait this long, then take the median of `settleSamples` readings `settleSampleMs` apart. */
    readonly settleMs: number;
    readonly settleSamples: number;
    readonly settleSampleMs: number;
  };
  readonly targets: Readonly<Record<Engine, ScaleTargets>>;
}

const targets = (syncSecondsPer100k: number): ScaleTargets => ({ syncSecondsPer100k, lookupP99Ms: 5, groupAddMs: 50, memoryMb: 256, deepPageFactor: 1.25 });

export function scaleSettingsFor(quick: boolean): ScaleSettings {
  const shared = {
    requestTimeoutMs: 60_000,
    healthz: { count: quick ? 1000 : 4000, clients: 8 },
    targets: { sqlite: targets(60), postgres: targets(120) },
  };
  if (quick) {
    return {
      mode: 'quick',
      ...shared,
      quietWaitMs: 0,
      memory: { sampleMs: 200, settleMs: 200, settleSamples: 3, settleSampleMs: 100 },
      rawLimits: { inserts: 500, lookups: 1000, members: 1000, memberReps: 3 },
      autoAnalyzeMs: 1_000,
      initialSync: { users: 5_000, groups: 100, clients: 8, memberBatch: 100, phaseMaxMs: { users: 60_000, groups: 30_000, members: 30_000 } },
      lookups: { clients: 8, tenantSizes: [1_000, 12_000], maxOpsPerKind: 2_000, maxMsPerKind: 500, seedChunk: 10_000 },
      bigGroup: { members: 10_000, batch: 1_000, reps: 3, warmups: 1, summaryReads: 10, fullReads: 2 },
      paging: {
        pageSize: 100,
        walkPageSize: 1_000,
        walkMaxMs: 10_000,
        depths: [0, 0.1, 0.5, 0.9],
        pagesPerDepth: 5,
        startIndexes: [1, 1_000, 5_000, 9_000],
        startIndexReps: 3,
      },
      mixed: { clients: 16, tenants: 10, usersPerTenant: 300, groupsPerTenant: 5, membersPerGroup: 20, durationMs: 5_000, maxOps: 100_000, deactivationBudget: 0.05 },
    };
  }
  return {
    mode: 'full',
    ...shared,
    quietWaitMs: 10_000,
    memory: { sampleMs: 200, settleMs: 1000, settleSamples: 5, settleSampleMs: 200 },
    rawLimits: { inserts: 2000, lookups: 4000, members: 1000, memberReps: 5 },
    autoAnalyzeMs: 5_000,
    initialSync: { users: 100_000, groups: 2_000, clients: 8, memberBatch: 100, phaseMaxMs: { users: 360_000, groups: 60_000, members: 120_000 } },
    lookups: { clients: 8, tenantSizes: [10_000, 100_000, 1_000_000], maxOpsPerKind: 20_000, maxMsPerKind: 4_000, seedChunk: 50_000 },
    bigGroup: { members: 100_000, batch: 1_000, reps: 5, warmups: 1, summaryReads: 20, fullReads: 3 },
    paging: {
      pageSize: 100,
      walkPageSize: 1_000,
      walkMaxMs: 200_000,
      depths: [0, 0.1, 0.5, 0.9],
      pagesPerDepth: 10,
      startIndexes: [1, 1_000, 100_000, 500_000, 900_000],
      startIndexReps: 5,
    },
    mixed: { clients: 16, tenants: 10, usersPerTenant: 2_000, groupsPerTenant: 20, membersPerGroup: 50, durationMs: 30_000, maxOps: 1_000_000, deactivationBudget: 0.05 },
  };
}
