// Runs `roster serve` from the TypeScript sources in a child process (tests that need real,
// separate server processes: node --import tsx src/testing/serve-process.ts [flags]).
import { main } from '../cli/main.js';

const code = await main(['serve', ...process.argv.slice(2)]);
process.exit(code);
