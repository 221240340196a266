#!/usr/bin/env node
// Builds the admin console: type-checks and compiles admin-ui/src with the project's TypeScript
// into admin-ui/dist/assets (plain ES modules, no bundler), then copies the static files.
// Run by `npm run build`, and so by `npm ci` through `prepare`.
//
// Several tests build the console while others serve it or pack it, in parallel: the build goes to
// a directory of its own first, and each file is then renamed into dist/ (a rename replaces a file
// at once), so a reader never finds dist/ empty or a file half written. Files an older build left
// that this one does not make are removed last.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const staging = join(here, `.build-${process.pid}`);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function filesUnder(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) filesUnder(full, out);
    else out.push(full);
  }
  return out;
}

rmSync(staging, { recursive: true, force: true });
mkdirSync(join(staging, 'assets'), { recursive: true });
try {
  const result = spawnSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.json'), '--outDir', join(staging, 'assets')], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('admin-ui: TypeScript build failed');
    process.exit(result.status ?? 1);
  }
  cpSync(join(here, 'static', 'index.html'), join(staging, 'index.html'));
  cpSync(join(here, 'static', 'console.css'), join(staging, 'assets', 'console.css'));
  cpSync(join(here, 'static', 'favicon.svg'), join(staging, 'assets', 'favicon.svg'));
  const built = new Set();
  for (const file of filesUnder(staging)) {
    const target = join(dist, relative(staging, file));
    mkdirSync(dirname(target), { recursive: true });
    renameSync(file, target);
    built.add(target);
  }
  for (const file of filesUnder(dist)) if (!built.has(file)) rmSync(file, { force: true });
  console.log('admin-ui: built into admin-ui/dist');
} finally {
  rmSync(staging, { recursive: true, force: true });
}
