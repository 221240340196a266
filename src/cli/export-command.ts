import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ROSTER_VERSION } from '../app/version.js';
import { exportTenant } from '../provisioning/portability/export-tenant.js';
import { jsonSink, ndjsonSink, streamWriter, type ExportFileFormat } from '../provisioning/portability/tenant-file.js';
import { missing, noExtra, parseArgs, UsageError } from './args.js';
import { withRuntime, type CliOutput } from './context.js';
import { ProgressBar, type ProgressStream } from './progress.js';

const USAGE = 'usage: roster export <slug> [--out FILE] [--format json|ndjson] [--with-credentials] [--json]';

/**
 * `roster export <slug>`: writes a tenant's settings, people, groups, folders, pending references
 * and event cursor to a file (or stdout). The file appears only when the export is complete.
 */
export async function exportCommand(argv: readonly string[], io: CliOutput, progressStream: ProgressStream = process.stderr): Promise<number> {
  const args = parseArgs(argv, { out: 'value', format: 'value', 'with-credentials': 'boolean', json: 'boolean' }, USAGE, 'export');
  noExtra('export', args.positional, 1);
  const [slug] = args.positional;
  const out = args.flags.get('out');
  const requested = args.flags.get('format');
  if (!slug) missing('export', 'a tenant slug');
  if (requested !== undefined && requested !== 'json' && requested !== 'ndjson') throw new UsageError(`--format is json or ndjson, not "${String(requested)}"`, 'export');
  if (out === '') missing('export', 'a file name after --out (or - for stdout)');
  const toFile = typeof out === 'string' && out !== '-';
  // Without a file, stdout is the export itself: a summary there would corrupt it.
  if (args.flags.has('json') && !toFile)
    throw new UsageError('--json has no meaning when the export goes to stdout (it is JSON already); add --out FILE for a JSON summary', 'export');
  // NDJSON when asked, or when the file is named .ndjson / .jsonl; JSON otherwise.
  const format: ExportFileFormat = requested === 'json' || requested === 'ndjson' ? requested : toFile && /\.(ndjson|jsonl)$/i.test(out) ? 'ndjson' : 'json';
  const partial = toFile ? `${out}.partial-${process.pid}` : undefined;
  const stream: Writable = partial ? createWriteStream(partial, { encoding: 'utf8', mode: 0o600 }) : process.stdout;
  const write = streamWriter(stream);
  const sink = format === 'ndjson' ? ndjsonSink(write) : jsonSink(write);
  const bar = new ProgressBar(progressStream, `exporting ${slug}`);
  try {
    const header = await withRuntime(args.passthrough, (rt) =>
      exportTenant(rt, slug, sink, {
        producerVersion: ROSTER_VERSION,
        withCredentials: args.flags.has('with-credentials'),
        onProgress: (p) => bar.update(p),
      }),
    );
    bar.finish();
    if (partial) {
      stream.end();
      await finished(stream);
      await rename(partial, out as string);
    }
    const c = header.counts;
    const summary = {
      tenant: header.tenant.slug,
      file: toFile ? out : 'stdout',
      format,
      people: c.people,
      groups: c.groups,
      folders: c.folders,
      pendingReferences: c.pendingReferences,
      credentials: c.credentials,
      lastSeq: header.eventCursor.lastSeq,
    };
    const text =
      `exported tenant ${header.tenant.slug} to ${summary.file} (${format}): ${c.people} people, ${c.groups} groups, ${c.folders} folders, ` +
      `${c.pendingReferences} pending references${c.credentials > 0 ? `, ${c.credentials} credential hashes` : ''}; event cursor ${header.eventCursor.lastSeq}`;
    if (args.flags.has('json')) io.out(JSON.stringify(summary));
    else io.err(text);
    if (c.credentials > 0) io.err('the file holds credential hashes: keep it as secret as the database itself');
    return 0;
  } catch (error) {
    bar.finish();
    if (partial) {
      stream.destroy();
      await rm(partial, { force: true });
    }
    throw error;
  }
}
