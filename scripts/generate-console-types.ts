// Writes admin-ui/src/types.ts from the admin API's answer schemas (src/admin/view-schemas.ts), the
// same source as its OpenAPI document. `--check` writes nothing and exits 1 when the file is stale.
// Run: npm run console-types   (or: node --import tsx scripts/generate-console-types.ts [--check])
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { consoleTypesSource } from '../src/admin/console-types.js';

const path = join(import.meta.dirname, '..', 'admin-ui', 'src', 'types.ts');
const text = consoleTypesSource();
const current = readFileSync(path, 'utf8');
if (process.argv.includes('--check')) {
  if (current !== text) {
    console.error('admin-ui/src/types.ts is stale: run npm run console-types');
    process.exit(1);
  }
} else if (current !== text) {
  writeFileSync(path, text);
  console.log('wrote admin-ui/src/types.ts');
}
