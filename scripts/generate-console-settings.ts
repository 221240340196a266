// Writes admin-ui/src/generated/settings.ts, the console's settings type, from the tenant settings
// schema. `--check` writes nothing and exits 1 when the checked-in file differs.
// Run: npm run console-settings   (or: node --import tsx scripts/generate-console-settings.ts [--check])
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSOLE_SETTINGS_FILE, consoleSettingsModule } from '../src/admin/console-settings-type.js';

const path = join(import.meta.dirname, '..', CONSOLE_SETTINGS_FILE);
const text = consoleSettingsModule();
let current = '';
try {
  current = readFileSync(path, 'utf8');
} catch {
  // Not written yet.
}
if (current !== text) {
  if (process.argv.includes('--check')) {
    console.error(`${CONSOLE_SETTINGS_FILE} differs from the tenant settings schema: run npm run console-settings`);
    process.exit(1);
  }
  writeFileSync(path, text);
  console.log(`wrote ${CONSOLE_SETTINGS_FILE}`);
}
