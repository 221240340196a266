#!/usr/bin/env node
// Builds the admin console: type-checks and compiles admin-ui/src with the project's TypeScript
// into admin-ui/dist/assets (plain ES modules, no bundler), then copies the static files.
// Run by `npm run build`, and so by `npm ci` through `prepare`.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'assets'), { recursive: true });
const result = spawnSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.json')], { stdio: 'inherit' });
if (result.status !== 0) {
  console.error('admin-ui: TypeScript build failed');
  process.exit(result.status ?? 1);
}
cpSync(join(here, 'static', 'index.html'), join(dist, 'index.html'));
cpSync(join(here, 'static', 'console.css'), join(dist, 'assets', 'console.css'));
cpSync(join(here, 'static', 'favicon.svg'), join(dist, 'assets', 'favicon.svg'));
console.log('admin-ui: built into admin-ui/dist');
