import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import type { TestCertificate } from './tls-certs.js';
import { waitUntil } from './wait-until.js';

/** Where Debian's nginx package puts the binary (also looked for on PATH). */
export function nginxBinary(): string | undefined {
  const candidates = ['/usr/sbin/nginx', ...(process.env.PATH ?? '').split(':').map((dir) => join(dir, 'nginx'))];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A port free right now (nginx needs a number in its configuration; it cannot bind 0). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface RunningNginx {
  /** https://127.0.0.1:<port> */
  readonly base: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Runs nginx in the foreground (a child of the test, one process, everything in `directory`)
 * terminating TLS and proxying to `upstream` the way docs/operations.md tells an admin to.
 */
export async function startNginx(binary: string, directory: string, upstream: string, certificate: TestCertificate): Promise<RunningNginx> {
  const port = await freePort();
  for (const sub of ['logs', 'temp']) await mkdir(join(directory, sub), { recursive: true });
  const temp = join(directory, 'temp');
  const conf = `
daemon off;
master_process off;
pid ${join(directory, 'nginx.pid')};
error_log ${join(directory, 'logs', 'error.log')} warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${temp}/body;
  proxy_temp_path ${temp}/proxy;
  fastcgi_temp_path ${temp}/fastcgi;
  uwsgi_temp_path ${temp}/uwsgi;
  scgi_temp_path ${temp}/scgi;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${certificate.certFile};
    ssl_certificate_key ${certificate.keyFile};
    location / {
      proxy_pass ${upstream};
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
    }
  }
}
`;
  const confFile = join(directory, 'nginx.conf');
  await writeFile(confFile, conf);
  const child = spawn(binary, ['-p', directory, '-c', confFile, '-e', join(directory, 'logs', 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  await waitUntil(
    async () => {
      if (exited) throw new Error(`nginx exited before listening:\n${output.join('')}`);
      return answers(port);
    },
    `nginx to listen on ${port}`,
    30_000,
  );
  return {
    base: `https://127.0.0.1:${port}`,
    process: child,
    async stop() {
      if (exited) return;
      const done = once(child, 'exit');
      child.kill('SIGQUIT');
      await done;
    },
  };
}
