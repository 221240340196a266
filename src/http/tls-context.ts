import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Server as HttpServer } from 'node:http';
import { Server as TlsServer } from 'node:tls';

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
}

export async function readTlsFiles(files: TlsFiles): Promise<TlsMaterial> {
  const [cert, key] = await Promise.all([readFile(files.certFile), readFile(files.keyFile)]);
  return { cert, key };
}

/**
 * Keeps a TLS server on the current certificate: reads both files again when either changes (or
 * when `reload` is called, e.g. on SIGHUP) and swaps them in with setSecureContext, so renewed
 * certificates apply to new connections without a restart while open ones carry on. A pair that
 * fails to load (a key written before its certificate, a half-written file) leaves the server on
 * the last good pair; the next change tries again.
 */
export class TlsReloader {
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  /** How many times a new pair has been put in place (tests wait on it). */
  reloads = 0;

  private readonly server: TlsServer;

  constructor(
    server: HttpServer,
    private readonly files: TlsFiles,
    private readonly report: { readonly info: (message: string) => void; readonly error: (error: unknown, message: string) => void },
  ) {
    if (!(server instanceof TlsServer)) throw new Error('TLS files given for a server made without TLS');
    this.server = server;
  }

  /**
   * Watches the directories, not the files: renewal tools (certbot, cert-manager's mounted
   * secrets) replace a file by renaming a new one over it, which a watch on the old file misses.
   */
  start(): void {
    const names = new Map<string, Set<string>>();
    for (const file of [this.files.certFile, this.files.keyFile]) {
      const directory = dirname(file);
      const set = names.get(directory) ?? new Set<string>();
      set.add(basename(file));
      names.set(directory, set);
    }
    for (const [directory, files] of names) {
      const watcher = watch(directory, (_event, name) => {
        // Some platforms give no name; then any change in the directory counts.
        if (name === null || files.has(name.toString()) || name.toString().startsWith('..')) this.soon();
      });
      watcher.on('error', (error) => this.report.error(error, 'watching the TLS files failed; send SIGHUP to reload them'));
      this.watchers.push(watcher);
    }
  }

  /** Changes come in bursts (cert then key); one reload after they settle. */
  private soon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), 200);
    this.timer.unref();
  }

  /** Reads both files and applies them; resolves true when the new pair is in place. */
  reload(): Promise<boolean> {
    const next = this.running.then(async () => {
      try {
        const material = await readTlsFiles(this.files);
        this.server.setSecureContext({ cert: material.cert, key: material.key });
        this.reloads++;
        this.report.info('TLS certificate and key reloaded');
        return true;
      } catch (error) {
        this.report.error(error, 'reloading the TLS certificate and key failed; still serving the previous pair');
        return false;
      }
    });
    this.running = next.then(() => undefined);
    return next;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const watcher of this.watchers) watcher.close();
    this.watchers.length = 0;
  }
}
