import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';

/**
 * The path a host server mounted Roster under, per request: the host hands Roster a request whose
 * URL no longer carries that path (Express strips it; Roster's own adapters strip it), so every
 * URL Roster writes back (SCIM `meta.location`, the console's assets, its cookie's Path, the
 * OpenAPI servers) is put back under it here. Standalone, nothing is remembered and it is ''.
 */
const mounts = new WeakMap<IncomingMessage, string>();

/** What a mount path may hold: it goes into cookies (no `;` or `,`), HTML and JSON. */
const SAFE_PATH = /^(\/[A-Za-z0-9._~!$&()*+=:@%-]+)*$/;

/** '' or '/a/b': a leading slash, no trailing one. Throws on anything else (a host's setup mistake). */
export function normaliseMountPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const normalised = trimmed === '' || trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  if (!SAFE_PATH.test(normalised)) throw new Error(`not a usable mount path: ${JSON.stringify(path)}`);
  return normalised;
}

/**
 * Takes `strip` off the front of the request's URL and remembers `outer + strip` as the path the
 * request arrived under (`outer`: what the host already stripped, e.g. Express's `req.baseUrl`).
 * False when the URL is not under `strip` or `outer` is not a usable path: the request is not Roster's.
 */
export function enterMount(raw: IncomingMessage, outer: string, strip: string): boolean {
  let url = raw.url ?? '/';
  if (strip !== '') {
    const rest = url.slice(strip.length);
    // Case-blind, as Roster's own routes are.
    if (!url.toLowerCase().startsWith(strip.toLowerCase()) || !(rest === '' || rest.startsWith('/') || rest.startsWith('?'))) return false;
    url = rest.startsWith('/') ? rest : `/${rest}`;
  }
  let base: string;
  try {
    base = normaliseMountPath(outer) + strip;
  } catch {
    return false;
  }
  raw.url = url;
  if (base !== '') mounts.set(raw, base);
  return true;
}

/** The path this request arrived under: '' standalone, e.g. '/scim-service' when mounted there. */
export function mountPathOf(request: FastifyRequest): string {
  return mounts.get(request.raw) ?? '';
}
