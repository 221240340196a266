import { findExtension, resolvePath, type ResourceSchema } from '../schemas/registry.js';

/** One entry of `attributes` / `excludedAttributes`, resolved to canonical names (RFC 7644 §3.4.2.5). */
export interface ProjectionPath {
  /** Canonical extension URN; undefined for core and common attributes. */
  readonly extension?: string;
  /** Canonical attribute name; undefined only for a bare extension URN, meaning the whole extension. */
  readonly attribute?: string;
  readonly subAttribute?: string;
}

/** Something in the list Roster tolerated instead of rejecting; for the provisioning log. */
export interface ProjectionLeniency {
  readonly kind: 'valueFilterIgnored' | 'unknownAttributeIgnored';
  /** The list entry as the client wrote it. */
  readonly entry: string;
}

/** Splits on commas outside brackets and quotes: `emails[value eq "a,b"]` is one entry. */
function splitList(param: string): string[] {
  const entries: string[] = [];
  let current = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < param.length; i++) {
    const ch = param.charAt(i);
    if (quoted) {
      if (ch === '\\') current += ch + param.charAt(++i);
      else current += ch;
      if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === '[') depth++;
    else if (ch === ']') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      entries.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  entries.push(current);
  return entries.map((e) => e.trim()).filter((e) => e !== '');
}

function resolveEntry(schema: ResourceSchema, name: string): ProjectionPath | undefined {
  const extension = findExtension(schema, name);
  if (extension) return { extension: extension.id };
  // The URN itself contains dots (`2.0`), so only the part after its last ':' is split on '.'.
  const colon = name.lastIndexOf(':');
  const local = name.slice(colon + 1);
  const dot = local.indexOf('.');
  const resolved = resolvePath(schema, {
    ...(colon >= 0 && { schema: name.slice(0, colon) }),
    attribute: dot >= 0 ? local.slice(0, dot) : local,
    ...(dot >= 0 && { subAttribute: local.slice(dot + 1) }),
  });
  if (!resolved) return undefined;
  return {
    ...(resolved.extension && { extension: resolved.extension.id }),
    attribute: resolved.attribute.name,
    ...(resolved.subAttribute && { subAttribute: resolved.subAttribute.name }),
  };
}

/**
 * Parses an `attributes` or `excludedAttributes` parameter: comma-separated, whitespace and case
 * tolerated, sub-attributes and URN-qualified names resolved. Unknown names are dropped (RFC 7644
 * is silent; clients send odd ones) and a value filter (`emails[type eq "work"]`, Microsoft's
 * Postman collection) is read as the attribute before it; both are reported in `leniencies`.
 * Undefined when the parameter is absent or blank; `[]` when every name was unknown.
 */
export function parseAttributeList(param: string | undefined, schema: ResourceSchema, leniencies?: ProjectionLeniency[]): ProjectionPath[] | undefined {
  if (param === undefined) return undefined;
  const entries = splitList(param);
  if (entries.length === 0) return undefined;
  const paths: ProjectionPath[] = [];
  for (const entry of entries) {
    let name = entry;
    const open = entry.indexOf('[');
    if (open >= 0) {
      const close = entry.lastIndexOf(']');
      // Keep a trailing `.sub` after the filter: `emails[type eq "work"].value` → `emails.value`.
      name = entry.slice(0, open).trim() + (close > open ? entry.slice(close + 1).trim() : '');
      leniencies?.push({ kind: 'valueFilterIgnored', entry });
    }
    const path = resolveEntry(schema, name);
    if (path) paths.push(path);
    else leniencies?.push({ kind: 'unknownAttributeIgnored', entry });
  }
  return paths;
}
