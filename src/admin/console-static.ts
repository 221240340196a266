import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
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

async function sendFile(reply: FastifyReply, path: string): Promise<FastifyReply> {
  for (const [name, value] of Object.entries(CONSOLE_SECURITY_HEADERS)) reply.header(name, value);
  try {
    const body = await readFile(path);
    return reply.code(200).header('content-type', TYPES[extname(path)] ?? 'application/octet-stream').send(body);
  } catch {
    const built = path.endsWith('index.html') ? 'the console is not built: run `npm run build` (npm ci does it)' : 'not found';
    return reply.code(path.endsWith('index.html') ? 503 : 404).header('content-type', 'text/plain; charset=utf-8').send(built);
  }
}

/**
 * Serves the console at /admin/: files under /admin/assets/, and index.html for every other path
 * so that the console's own routes (/admin/t/acme/people) survive a reload.
 */
export function registerConsole(app: FastifyInstance): void {
  const index = resolve(CONSOLE_DIR, 'index.html');
  const assets = resolve(CONSOLE_DIR, 'assets');
  app.get('/admin', async (_request, reply) => sendFile(reply, index));
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
    return sendFile(reply, index);
  });
}
