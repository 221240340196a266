/**
 * A Roster server in a child process, exactly as `roster serve` runs it (the CLI's serve command:
 * configuration from the environment, migrations, SIGTERM handling), so a suite can kill it.
 */
import { main } from '../../../src/cli/main.js';

process.exitCode = await main(['serve']);
