import { readFileSync } from 'node:fs';
import newman, { type NewmanItem, type NewmanItemGroup } from 'newman';

/** One `pm.test(...)` outcome of a collection run. */
export interface AssertionOutcome {
  /** The folder holding the request ('' for a request at the collection's top level). */
  readonly folder: string;
  readonly request: string;
  /** 1 for the first request of that name in that folder, 2 for the second (the collection repeats names). */
  readonly occurrence: number;
  readonly assertion: string;
  readonly passed: boolean;
  /** The assertion's error message when it failed. */
  readonly message: string;
  /** What the request was and what came back, for diagnosing a failure. */
  readonly exchange: string;
}

/** A script that threw (not an assertion failure): the collection can go off the rails after one. */
export interface ScriptException {
  readonly folder: string;
  readonly request: string;
  readonly message: string;
  readonly exchange: string;
}

export interface CollectionRun {
  readonly assertions: readonly AssertionOutcome[];
  readonly exceptions: readonly ScriptException[];
  readonly requests: number;
}

/** The parts of a Postman v2.1 collection file this runner reads (to select the README's entries). */
export interface RawItem {
  name?: string;
  id?: string;
  item?: RawItem[];
}

export interface RawCollection {
  item?: RawItem[];
}

export interface CollectionRunOptions {
  readonly collection: RawCollection;
  /** Names of TOP-LEVEL folders or requests to run, as `newman run --folder` takes them. */
  readonly folders: readonly string[];
  readonly envVars: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

export function loadCollection(path: string): RawCollection {
  return JSON.parse(readFileSync(path, 'utf8')) as RawCollection;
}

function folderOf(item: NewmanItem): string {
  const parent: NewmanItemGroup | undefined = item.parent();
  // A request at the top level has the collection itself as parent, and the collection has no parent.
  if (!parent || parent.parent() === undefined) return '';
  return parent.name;
}

function describeExchange(method: string, url: string, status: number | undefined, body: string): string {
  const shown = body.length > 600 ? `${body.slice(0, 600)}…` : body;
  return `${method} ${url} → ${status === undefined ? 'no response' : status} ${shown}`;
}

/**
 * The collection with each selected top-level entry given an explicit id, and those ids.
 *
 * newman looks `--folder` names up depth-first and stops at the first match, so a top-level request
 * whose name also names a request inside a selected folder is silently never run: Microsoft's collection
 * has a top-level "Get all users" (GET /Users?attributes=userName, "Users cleared") and a request of the
 * same name in "User tests with garbage". Selecting by id runs exactly the README's entries. The requests
 * and scripts themselves are untouched.
 */
function selectTopLevel(collection: RawCollection, names: readonly string[]): { collection: RawCollection; ids: string[] } {
  const copy = structuredClone(collection);
  const items = copy.item ?? [];
  const ids = names.map((name) => {
    const matches = items.filter((item) => item.name === name);
    if (matches.length !== 1) throw new Error(`expected one top-level entry named "${name}" in the collection, found ${matches.length}`);
    const item = matches[0] as RawItem;
    item.id ??= `top-level:${name}`;
    return item.id;
  });
  return { collection: copy, ids };
}

/** Runs a Postman collection with newman's Node API, silently, and returns every assertion it made. */
export function runCollection(options: CollectionRunOptions): Promise<CollectionRun> {
  const { collection, ids } = selectTopLevel(options.collection, options.folders);
  return new Promise((resolve, reject) => {
    const assertions: AssertionOutcome[] = [];
    const exceptions: ScriptException[] = [];
    const lastExchange = new Map<string, string>();
    const itemNames = new Map<string, { folder: string; request: string; occurrence: number }>();
    const seenNames = new Map<string, number>();
    let requests = 0;
    const emitter = newman.run({
      collection,
      folder: ids,
      envVar: Object.entries(options.envVars).map(([key, value]) => ({ key, value })),
      reporters: [],
      timeoutRequest: options.timeoutMs,
    });
    emitter.on('request', (err, args) => {
      requests += 1;
      const response = args.response;
      const exchange = describeExchange(args.request.method, args.request.url.toString(), response?.code, err ? `(${err.message})` : (response?.text() ?? ''));
      lastExchange.set(args.cursor.ref, exchange);
      const folder = folderOf(args.item);
      const nameKey = `${folder}\u0000${args.item.name}`;
      const occurrence = (seenNames.get(nameKey) ?? 0) + 1;
      seenNames.set(nameKey, occurrence);
      itemNames.set(args.cursor.ref, { folder, request: args.item.name, occurrence });
    });
    emitter.on('assertion', (err, args) => {
      assertions.push({
        folder: folderOf(args.item),
        request: args.item.name,
        occurrence: itemNames.get(args.cursor.ref)?.occurrence ?? 1,
        assertion: args.assertion,
        passed: err === null && args.skipped !== true,
        message: err ? err.message : args.skipped === true ? 'skipped' : '',
        exchange: lastExchange.get(args.cursor.ref) ?? '(no request recorded)',
      });
    });
    emitter.on('exception', (_err, args) => {
      const ref = args.cursor.ref;
      const names = itemNames.get(ref);
      exceptions.push({
        folder: names?.folder ?? '',
        request: names?.request ?? `(item ${ref})`,
        message: `${args.error.name ?? 'Error'}: ${args.error.message ?? ''}`,
        exchange: lastExchange.get(ref) ?? '(no request recorded)',
      });
    });
    emitter.on('done', (err) => {
      if (err) reject(err);
      else resolve({ assertions, exceptions, requests });
    });
  });
}
