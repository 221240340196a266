// Writes the attribute table of docs/attributes.md from src/guides/attribute-map.ts and the schema
// registry (the prose around it stays as written). `--check` writes nothing and exits 1 when the
// checked-in table differs. Run: npm run docs   (or: node --import tsx scripts/generate-attribute-table.ts [--check])
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withAttributeTable } from '../src/guides/attribute-table.js';

const path = join(import.meta.dirname, '..', 'docs', 'attributes.md');
const current = readFileSync(path, 'utf8');
const text = withAttributeTable(current);
if (text !== current) {
  if (process.argv.includes('--check')) {
    console.error('docs/attributes.md: the attribute table differs from src/guides/attribute-map.ts; run `npm run docs`');
    process.exit(1);
  }
  writeFileSync(path, text);
  console.log('wrote docs/attributes.md');
}
