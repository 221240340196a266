import { existsSync } from 'node:fs';
import { importTenant } from '../provisioning/portability/import-tenant.js';
import { readExportFile } from '../provisioning/portability/tenant-file.js';
import { DomainError } from '../provisioning/errors.js';
import { missing, noExtra, parseArgs } from './args.js';
import { withRuntime, type CliOutput } from './context.js';
import { ProgressBar, type ProgressStream } from './progress.js';

const USAGE = 'usage: roster import <file> [--slug new-slug] [--json]';

/**
 * `roster import <file>`: restores an export into an empty tenant (made when the slug is free),
 * on whichever database DATABASE_URL names, keeping every id.
 */
export async function importCommand(argv: readonly string[], io: CliOutput, progressStream: ProgressStream = process.stderr): Promise<number> {
  const args = parseArgs(argv, { slug: 'value', json: 'boolean' }, USAGE, 'import');
  noExtra('import', args.positional, 1);
  const [file] = args.positional;
  const slug = args.flags.get('slug');
  if (!file) missing('import', 'the file to import');
  if (slug === '') missing('import', 'a slug after --slug');
  if (!existsSync(file)) throw new DomainError('notFound', `no file ${file}`);
  const source = await readExportFile(file);
  const bar = new ProgressBar(progressStream, `importing ${typeof slug === 'string' ? slug : source.header.tenant.slug}`);
  try {
    const summary = await withRuntime(args.passthrough, (rt) =>
      importTenant(rt, source, { ...(typeof slug === 'string' ? { slug } : {}), onProgress: (p) => bar.update(p) }),
    );
    bar.finish();
    const c = summary.counts;
    if (args.flags.has('json')) {
      io.out(
        JSON.stringify({
          tenant: summary.tenant.slug,
          id: summary.tenant.id,
          created: summary.created,
          ...c,
          lastSeq: summary.lastSeq,
          skippedCredentials: summary.skippedCredentials,
        }),
      );
    } else {
      io.out(
        `imported into ${summary.created ? 'new' : 'empty'} tenant ${summary.tenant.slug} (${summary.tenant.id}): ${c.people} people, ${c.groups} groups, ` +
          `${c.folders} folders, ${c.pendingReferences} pending references${c.credentials > 0 ? `, ${c.credentials - summary.skippedCredentials.length} credentials` : ''}; ` +
          `the next event is number ${summary.lastSeq + 1}`,
      );
      for (const skipped of summary.skippedCredentials) io.err(`credential not restored: ${skipped}`);
      if (c.credentials === 0) io.err(`the file has no credentials: mint one for the IdP with \`roster token create ${summary.tenant.slug}\``);
    }
    return 0;
  } finally {
    bar.finish();
  }
}
