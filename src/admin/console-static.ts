import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { mountPathOf } from '../http/mount-path.js';
import { AdminApiError, sendAdminError } from './admin-errors.js';
import { CONSOLE_SECURITY_HEADERS } from './security-headers.js';

/** Where `npm run build` puts the console (admin-ui/dist), from src/admin or dist/admin alike. */
const CONSOLE_DIR = fileURLToPath(new URL('../../admin-ui/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The console's page as served under a host's mount path: its links to assets and the base its
 * scripts read (`<meta name="roster-base">`) all start with `"/admin`, and move under the mount.
 */
export function pageUnderMount(html: string, mountPath: string): string {
  if (mountPath === '') return html;
  const escaped = mountPath.replace(/&/g, '&amp;');
  // A function, so that `$&` and the like in a mount path are not read as replacement patterns.
  return html.replaceAll('"/admin', () => `"${escaped}/admin`);
}

async function sendFile(reply: FastifyReply, path: string, mountPath = ''): Promise<FastifyReply> {
  for (const [name, value] of Object.entries(CONSOLE_SECURITY_HEADERS)) reply.header(name, value);
  try {
    const file = await readFile(path);
    const body = mountPath !== '' && path.endsWith('.html') ? pageUnderMount(file.toString('utf8'), mountPath) : file;
    return reply
      .code(200)
      .header('content-type', TYPES[extname(path)] ?? 'application/octet-stream')
      .send(body);
  } catch {
    const built = path.endsWith('index.html') ? 'the console is not built: run `npm run build` (npm ci does it)' : 'not found';
    return reply
      .code(path.endsWith('index.html') ? 503 : 404)
      .header('content-type', 'text/plain; charset=utf-8')
      .send(built);
  }
}

/**
 * Serves the console at /admin/: files under /admin/assets/, and index.html for every other path
 * so that the console's own routes (/admin/t/acme/people) survive a reload. Under a host's mount
 * path the page names its assets and its base under that path.
 */
export function registerConsole(app: FastifyInstance): void {
  const index = resolve(CONSOLE_DIR, 'index.html');
  const assets = resolve(CONSOLE_DIR, 'assets');
  app.get('/admin', async (request, reply) => sendFile(reply, index, mountPathOf(request)));
  app.get('/admin/*', async (request, reply) => {
    const rest = (request.params as { '*'?: string })['*'] ?? '';
    if (/^api(\/|$)/i.test(rest)) {
      return sendAdminError(new AdminApiError(404, 'notFound', `no endpoint ${request.method} ${request.url.split('?')[0] ?? ''}`), request, reply);
    }
    if (/^assets\//i.test(rest)) {
      const file = resolve(assets, rest.slice('assets/'.length));
      // Only files inside assets/: no "..", no absolute paths.
      if (!file.startsWith(assets + sep)) return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('not found');
      return sendFile(reply, file);
    }
    return sendFile(reply, index, mountPathOf(request));
  });
}
