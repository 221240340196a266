/**
 * Scale scenario 4: paging through the large tenant.
 *
 * Cursors (RFC 9865; Roster's `cursor` parameter and `nextCursor` in the ListResponse): the first
 * page (`cursor=` empty) counts the total; every later page carries it in the cursor. The walk
 * follows nextCursor with the largest page size to get deep quickly — a cursor is bound to the
 * filter and sort, not to the page size (list-params.ts's fingerprint) — and at each depth measured
 * it times `pagesPerDepth` consecutive pages of `pageSize`, then walks on. The walk is bounded in
 * time; depths not reached in time are reported as such.
 *
 * Index paging: a handful of GET /Users?startIndex=S&count=… at each depth S.
 */
import type { ServerHandle } from '../scenarios.js';
import { KindRecorder, ScimSession, status, type KindResult } from './session.js';
import type { ScaleSettings } from './settings.js';

export interface PagingResult {
  readonly tenantSize: number;
  readonly totalResults: number;
  readonly pageSize: number;
  readonly walkPages: number;
  readonly peopleSeen: number;
  /** Whether the walk reached the last page (else it stopped at its time bound). */
  readonly walkedToEnd: boolean;
  readonly kinds: Readonly<Record<string, KindResult>>;
  /** Median latency of cursor pages by depth (share of the tenant, e.g. "0.5"). */
  readonly cursorP50ByDepth: Readonly<Record<string, number>>;
  readonly startIndexP50: Readonly<Record<string, number>>;
  readonly problems: readonly string[];
}

interface ListPage {
  readonly totalResults?: number;
  readonly itemsPerPage?: number;
  readonly nextCursor?: string;
  readonly Resources?: readonly { readonly id?: string }[];
}

export const FIRST_PAGE_KIND = 'cursor: first page (counts the total)';
export const cursorKind = (depth: number) => `cursor page at ${Math.round(depth * 100)}%`;
export const startIndexKind = (startIndex: number) => `startIndex=${startIndex}`;
const WALK_KIND = 'cursor walk (largest pages)';

export async function paging(server: ServerHandle, tenant: string, tenantSize: number, settings: ScaleSettings): Promise<PagingResult> {
  const p = settings.paging;
  const token = server.tokens[tenant];
  if (!token) throw new Error(`no token for ${tenant}`);
  const recorder = new KindRecorder();
  const session = new ScimSession(server.port, token, 1, recorder, settings.requestTimeoutMs);
  const problems: string[] = [];
  const started = performance.now();
  let seen = 0;
  let walkPages = 0;
  let lastId = '';
  let cursor: string | undefined;
  let total = Number.NaN;

  /** One cursor page: answers its next cursor (undefined at the end or on failure). */
  const page = async (kind: string, count: number, from: string): Promise<string | undefined> => {
    const answer = await session.send(kind, 'GET', `/Users?count=${count}&cursor=${encodeURIComponent(from)}`, undefined, status(200));
    if (answer?.status !== 200) return undefined;
    const body = JSON.parse(answer.body) as ListPage;
    const resources = body.Resources ?? [];
    const first = resources[0]?.id ?? '';
    if (resources.length > 0 && first <= lastId && problems.length < 5) problems.push(`paging: page after ${lastId} starts at ${first} (not in id order)`);
    lastId = resources[resources.length - 1]?.id ?? lastId;
    seen += resources.length;
    if (body.nextCursor !== undefined && resources.length !== count && problems.length < 5) {
      problems.push(`paging: a page of ${resources.length} (asked ${count}) has a nextCursor`);
    }
    if (body.totalResults !== undefined) total = body.totalResults;
    return body.nextCursor;
  };

  try {
    cursor = await page(FIRST_PAGE_KIND, p.pageSize, '');
    const depths = [...p.depths].sort((a, b) => a - b);
    let timeUp = false;
    for (const depth of depths) {
      // Walk (largest pages) until `depth` of the tenant lies behind, or time is up.
      while (cursor !== undefined && seen < depth * total) {
        if (performance.now() - started > p.walkMaxMs) {
          timeUp = true;
          break;
        }
        cursor = await page(WALK_KIND, settings.paging.walkPageSize, cursor);
        walkPages++;
      }
      if (timeUp || cursor === undefined) break;
      for (let i = 0; i < p.pagesPerDepth && cursor !== undefined; i++) cursor = await page(cursorKind(depth), p.pageSize, cursor);
    }
    // On to the end, while time allows: the whole tenant, page by page, in id order.
    while (cursor !== undefined && performance.now() - started <= p.walkMaxMs) {
      cursor = await page(WALK_KIND, settings.paging.walkPageSize, cursor);
      walkPages++;
    }
    const walkedToEnd = cursor === undefined;
    if (walkedToEnd && seen !== total) problems.push(`paging: the walk saw ${seen} people, totalResults said ${total}`);

    for (const startIndex of p.startIndexes.filter((s) => s <= tenantSize)) {
      for (let r = 0; r < p.startIndexReps; r++) {
        await session.send(
          startIndexKind(startIndex),
          'GET',
          `/Users?startIndex=${startIndex}&count=${p.pageSize}`,
          undefined,
          (a) => a.status === 200 && a.body.includes(`"itemsPerPage":${Math.min(p.pageSize, tenantSize - startIndex + 1)},`),
        );
      }
    }
    const kinds = recorder.results();
    const p50 = (kind: string) => kinds[kind]?.latencyMs.p50;
    const cursorP50ByDepth: Record<string, number> = {};
    for (const depth of depths) {
      const v = p50(cursorKind(depth));
      if (v !== undefined) cursorP50ByDepth[String(depth)] = v;
    }
    const startIndexP50: Record<string, number> = {};
    for (const s of p.startIndexes) {
      const v = p50(startIndexKind(s));
      if (v !== undefined) startIndexP50[String(s)] = v;
    }
    return { tenantSize, totalResults: total, pageSize: p.pageSize, walkPages, peopleSeen: seen, walkedToEnd, kinds, cursorP50ByDepth, startIndexP50, problems };
  } finally {
    session.close();
  }
}
