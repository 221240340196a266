// Writes docs/idp/<idp>.md from the guided setups in src/guides/ (the console shows the same
// source). `--check` writes nothing and exits 1 when a checked-in guide differs.
// Run: npm run guides   (or: node --import tsx scripts/generate-idp-guides.ts [--check])
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GUIDE_IDPS, guideFor } from '../src/guides/guides.js';
import { guideMarkdown } from '../src/guides/render-markdown.js';
import { resolveGuide } from '../src/guides/resolve-guide.js';

const docs = join(import.meta.dirname, '..', 'docs', 'idp');
const check = process.argv.includes('--check');
let stale = 0;
for (const idp of GUIDE_IDPS) {
  const path = join(docs, `${idp}.md`);
  const text = guideMarkdown(resolveGuide(guideFor(idp)));
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    // A new IdP: no guide yet.
  }
  if (current === text) continue;
  stale++;
  if (check) console.error(`docs/idp/${idp}.md differs from src/guides/idp/${idp}.ts`);
  else {
    writeFileSync(path, text);
    console.log(`wrote docs/idp/${idp}.md`);
  }
}
if (check && stale > 0) process.exit(1);
