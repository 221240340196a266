import type { AttributeDefinition, SchemaDefinition } from '../schemas/attribute.js';
import { commonAttributes, findAttribute, type ResourceSchema } from '../schemas/registry.js';
import { URN } from '../schemas/urns.js';

/** Where an unknown name was found in a request body. */
export interface NameContext {
  /** The extension whose object held the name; undefined at the top level. */
  readonly extension?: SchemaDefinition;
}

/** A name a client could have meant: `path` is how the suggestion is written back to them. */
interface Candidate {
  readonly path: string;
  readonly name: string;
  /** '' for core and common attributes, the URN for extension ones. */
  readonly namespace: string;
  readonly isSub: boolean;
}

const cache = new WeakMap<ResourceSchema, readonly Candidate[]>();

/** Writable attributes and sub-attributes only: suggesting a readOnly name would not help the client. */
function candidatesOf(schema: ResourceSchema): readonly Candidate[] {
  const cached = cache.get(schema);
  if (cached) return cached;
  const out: Candidate[] = [];
  const add = (defs: readonly AttributeDefinition[], namespace: string): void => {
    for (const def of defs) {
      if (def.mutability === 'readOnly') continue;
      const path = namespace === '' ? def.name : `${namespace}:${def.name}`;
      out.push({ path, name: def.name, namespace, isSub: false });
      for (const sub of def.subAttributes ?? []) {
        if (sub.mutability !== 'readOnly') out.push({ path: `${path}.${sub.name}`, name: sub.name, namespace, isSub: true });
      }
    }
  };
  add(commonAttributes, '');
  add(schema.core.attributes, '');
  for (const extension of schema.extensions) add(extension.attributes, extension.id);
  cache.set(schema, out);
  return out;
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transposition, so `titel` is one
 * edit from `title`), on lower-cased input because SCIM names are case-insensitive (RFC 7643 §2.1).
 */
export function editDistance(left: string, right: string): number {
  const a = left.toLowerCase();
  const b = right.toLowerCase();
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** Two edits for names of five letters or more, one below: `ims` is two edits from far too much. */
function limitFor(name: string): number {
  return name.length <= 4 ? 1 : 2;
}

/** The closest candidate within the limit; with `unique`, nothing when two different ones tie. */
function nearest(list: readonly Candidate[], name: string, unique = false): string | undefined {
  let best: Candidate | undefined;
  let bestDistance = limitFor(name) + 1;
  let tied = false;
  for (const candidate of list) {
    const distance = editDistance(name, candidate.name);
    if (distance < bestDistance) [best, bestDistance, tied] = [candidate, distance, false];
    else if (distance === bestDistance && best && candidate.path !== best.path) tied = true;
  }
  return unique && tied ? undefined : best?.path;
}

function only(list: readonly Candidate[]): string | undefined {
  return list.length === 1 ? list[0]?.path : undefined;
}

/**
 * The attribute a client probably meant by an unknown `name` (README.md#the-directory-model: "names the one
 * that was probably meant"): the same name in another namespace, a sub-attribute sent at the top (`givenName`
 * → `name.givenName`), or a near spelling (`adreses` → `addresses`).
 */
export function suggestAttribute(schema: ResourceSchema, name: string, context: NameContext = {}): string | undefined {
  const all = candidatesOf(schema);
  const lower = name.toLowerCase();
  const tops = all.filter((c) => !c.isSub);
  const here = context.extension?.id ?? '';
  const elsewhere = tops.find((c) => c.namespace !== here && c.name.toLowerCase() === lower);
  if (elsewhere) return elsewhere.path;
  const subs = all.filter((c) => c.isSub);
  const asSub = only(subs.filter((c) => c.name.toLowerCase() === lower));
  if (asSub) return asSub;
  // Same namespace first, so a tie goes to the schema the client was writing into.
  const ordered = [...tops.filter((c) => c.namespace === here), ...tops.filter((c) => c.namespace !== here)];
  return nearest(ordered, name) ?? nearest(subs, name, true);
}

/**
 * For an unknown sub-attribute of `parent` (at `parentPath`): a near sibling (`emails.primay` →
 * `emails.primary`), else — when the schema is known — a top-level attribute nested by mistake
 * (`name.displayName` → `displayName`).
 */
export function suggestSubAttribute(parent: AttributeDefinition, parentPath: string, name: string, schema?: ResourceSchema): string | undefined {
  const siblings = (parent.subAttributes ?? []).map((sub) => ({ path: `${parentPath}.${sub.name}`, name: sub.name, namespace: '', isSub: true }));
  const near = nearest(siblings, name);
  if (near !== undefined || schema === undefined) return near;
  const lower = name.toLowerCase();
  return only(candidatesOf(schema).filter((c) => !c.isSub && c.name.toLowerCase() === lower));
}

/** The known schema URN closest to an unknown one (`…enterprise:2.0User` → `…enterprise:2.0:User`). */
export function suggestSchema(schema: ResourceSchema, urn: string): string | undefined {
  const ids = [schema.core.id, ...schema.extensions.map((e) => e.id)];
  let best: string | undefined;
  let bestDistance = 3;
  for (const id of ids) {
    const distance = editDistance(urn, id);
    if (distance < bestDistance) [best, bestDistance] = [id, distance];
  }
  return best;
}

/** For `<unknown URN>:<name>` keys: the name under the nearest known URN, else any known place for it. */
export function suggestQualified(schema: ResourceSchema, key: string): string | undefined {
  const colon = key.lastIndexOf(':');
  const name = key.slice(colon + 1);
  const urn = suggestSchema(schema, key.slice(0, colon));
  if (urn === schema.core.id) {
    const found = findAttribute(schema.core.attributes, name) ?? findAttribute(commonAttributes, name);
    if (found) return found.name;
  } else if (urn !== undefined) {
    const found = findAttribute(schema.extensions.find((e) => e.id === urn)?.attributes, name);
    if (found) return `${urn}:${found.name}`;
  }
  return suggestAttribute(schema, name);
}

/**
 * The extensions with a top-level attribute called `name` (any case), each as its qualified path
 * (`urn:…:enterprise:2.0:User:department`). A bare name is a core attribute or nothing (RFC 7644
 * §3.10 lets clients omit only the core schema's URN), so these are the places it probably meant.
 */
export function extensionPlacesOf(schema: ResourceSchema, name: string): string[] {
  const places: string[] = [];
  for (const extension of schema.extensions) {
    const found = findAttribute(extension.attributes, name);
    if (found) places.push(`${extension.id}:${found.name}`);
  }
  return places;
}

/** A known extension whose attributes an unknown schema's block uses, and which of them. */
export interface ExtensionMatch {
  readonly urn: string;
  /** The matching attribute names, in the extension's spelling, in the order the client sent them. */
  readonly matches: readonly string[];
}

/**
 * For an object under an unknown schema URN (another product's extension, as in the seed guide's
 * attribute table): the configured extension sharing the most attribute names with it. On a tie
 * the extension that is not the enterprise one wins: an unknown `extension:<product>:2.0:User`
 * most likely meant this deployment's own product extension.
 */
export function extensionMatching(schema: ResourceSchema, names: readonly string[]): ExtensionMatch | undefined {
  let best: ExtensionMatch | undefined;
  for (const extension of schema.extensions) {
    const matches: string[] = [];
    for (const name of names) {
      const found = findAttribute(extension.attributes, name);
      if (found && !matches.includes(found.name)) matches.push(found.name);
    }
    if (matches.length === 0) continue;
    const better = best === undefined || matches.length > best.matches.length || (matches.length === best.matches.length && best.urn === URN.enterpriseUser);
    if (better) best = { urn: extension.id, matches };
  }
  return best;
}
