/** Summarises V8 `.cpuprofile` files (from `node --cpu-prof`) into self time by function and by module. */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileEntry {
  readonly name: string;
  readonly selfMs: number;
  /** Share of non-idle samples. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  readonly idleMs: number;
  readonly topFunctions: readonly ProfileEntry[];
  readonly byModule: readonly ProfileEntry[];
  /** Roster's own functions (src/) by inclusive time: what each costs with everything it calls. */
  readonly rosterInclusive: readonly ProfileEntry[];
}

const PSEUDO = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Where a function lives: an npm package, a Roster source folder, Node internals, or a V8 pseudo-frame. */
function moduleOf(frame: ProfileNode['callFrame']): string {
  if (PSEUDO.has(frame.functionName)) return frame.functionName;
  const url = frame.url;
  if (url === '') return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  const src = /\/(src|dist|bench)\/(.+)\/[^/]+$/.exec(url) ?? /\/(src|dist|bench)\/([^/]+)$/.exec(url);
  if (src) return `${src[1] === 'dist' ? 'src' : src[1]}/${src[2]}`;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url;
}

function shortUrl(url: string): string {
  const i = url.lastIndexOf('node_modules/');
  if (i >= 0) return url.slice(i + 'node_modules/'.length);
  const s = url.search(/\/(src|dist|bench)\//);
  // dist/ mirrors src/ file for file; the summary names the source.
  return s >= 0
    ? url
        .slice(s + 1)
        .replace(/^dist\//, 'src/')
        .replace(/\.js$/, '.ts')
    : url;
}

export function summariseProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  // The bench server's own marks (stopping and restarting the profiler) are not the server's work.
  const benchOwn = (id: number): boolean => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parentOf.get(cur)) {
      if (byId.get(cur)?.callFrame.url.includes('/bench/serve.ts')) return true;
    }
    return false;
  };
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const functions = new Map<string, number>();
  const modules = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node || benchOwn(id)) continue;
    totalUs += us;
    if (node.callFrame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const f = node.callFrame;
    const name =
      PSEUDO.has(f.functionName) || f.url === '' ? f.functionName || '(anonymous native)' : `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    const mod = moduleOf(f);
    modules.set(mod, (modules.get(mod) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parentOf.get(cur)) {
      const frame = byId.get(cur)?.callFrame;
      if (!frame || !/\/(src|dist)\//.test(frame.url) || frame.url.includes('node_modules')) continue;
      const key = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const busyUs = Math.max(totalUs - idleUs, 1);
  const rank = (m: Map<string, number>): ProfileEntry[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: us / busyUs }));
  return {
    file,
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    topFunctions: rank(functions),
    byModule: rank(modules),
    rosterInclusive: rank(inclusive),
  };
}

export function formatProfile(summary: ProfileSummary, modules = 10, functions = 15, roster = 12): string {
  const line = (e: ProfileEntry) => `    ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.selfMs.toFixed(0).padStart(7)} ms  ${e.name}`;
  return [
    `  ${summary.file}: ${(summary.totalMs / 1000).toFixed(1)} s sampled, ${((summary.idleMs / Math.max(summary.totalMs, 1)) * 100).toFixed(0)}% idle; self time of the busy part:`,
    '  by module:',
    ...summary.byModule.slice(0, modules).map(line),
    '  top functions (self):',
    ...summary.topFunctions.slice(0, functions).map(line),
    '  Roster functions (inclusive):',
    ...summary.rosterInclusive.slice(0, roster).map(line),
  ].join('\n');
}
