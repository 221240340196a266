import { ROSTER_VERSION } from '../app/version.js';
import { ConfigError } from '../config/config.js';
import { DomainError } from '../provisioning/errors.js';
import { adminCommand } from './admin-command.js';
import { didYouMean, HelpRequested, UsageError } from './args.js';
import { consoleOutput, exitQuietlyWhenStdoutCloses, type CliOutput } from './context.js';
import { basicCommand, tokenCommand } from './credential-commands.js';
import { doctorCommand } from './doctor-command.js';
import { exportCommand } from './export-command.js';
import { heldCommand } from './held-command.js';
import { hostkeyCommand } from './hostkey-command.js';
import { importCommand } from './import-command.js';
import { serveCommand } from './serve-command.js';
import { setupLinkCommand } from './setup-link-command.js';
import { tenantCommand } from './tenant-command.js';
import { webhookCommand } from './webhook-command.js';

const USAGE = `usage: roster <command> [--help]

  serve                              start the server (roster serve --help lists settings)
  tenant create <slug> [--name N]    create a tenant
  tenant list                        list tenants with last SCIM request / change
  tenant disable|enable <slug>       switch SCIM provisioning off (403) or on; credentials are kept
  tenant settings <slug> [...]       show or change languages, matching field, extension URN, SSO updates
  tenant rename <slug> [--slug S] [--name N]   change a tenant's slug (its SCIM URL) or display name
  tenant delete <slug> [--yes]       delete a tenant and everything of it, after a confirmation
  token create <slug> [--label L]    mint a bearer token (printed once)
  token list <slug>                  list a tenant's credentials
  token revoke <slug> <id>           revoke a credential
  basic create <slug> [--label L]    mint a key/secret pair for HTTP Basic
  setup-link create|list|revoke <slug>  a link for the customer's IT admin to set up provisioning alone
                                     (create: [--idp okta] [--expires 7d] [--single-use] [--product-name N]
                                     [--logo-url U] [--accent #rrggbb] [--return-url U]; printed once)
  admin create --email E [--tenant S] [--password-stdin]
                                     create a console admin (operator, or of one tenant)
  admin list                         list console admins
  admin disable|enable --email E     stop an admin signing in (their sessions end) or let them again
  admin remove --email E [--yes]     remove an admin
  admin reset-password --email E     print a single-use link where the admin sets a new password
  held list|approve|discard <slug>   mass changes held by the guard, for an admin to decide
  webhook add|list|remove|rotate|dead|replay   webhook endpoints and their deliveries (roster webhook --help)
  hostkey create|list|revoke         keys for the host product's API (/host/v1)
  doctor                             check configuration, database, migrations and each tenant's sync
  export <slug> [--out F] [--format json|ndjson] [--with-credentials]
                                     write a tenant (people, groups, folders, settings, event cursor)
  import <file> [--slug S]           restore an export into an empty tenant, on either database
  version                            print the version (also roster --version)

Every command and subcommand takes --help. Add --json for machine-readable output. Settings come
from the environment (DATABASE_URL, PORT, …) or flags (--database-url, --port, …).`;

type Command = (argv: readonly string[], io: CliOutput) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  serve: serveCommand,
  tenant: tenantCommand,
  token: tokenCommand,
  basic: basicCommand,
  'setup-link': setupLinkCommand,
  admin: adminCommand,
  held: heldCommand,
  webhook: webhookCommand,
  hostkey: hostkeyCommand,
  doctor: doctorCommand,
  export: exportCommand,
  import: importCommand,
};

function version(argv: readonly string[], io: CliOutput): number {
  const extra = argv.find((a) => a !== '--json');
  if (extra !== undefined) throw new UsageError(`\`roster version\` takes only --json, not ${extra}`, 'version');
  io.out(argv.includes('--json') ? JSON.stringify({ version: ROSTER_VERSION, node: process.version }) : `roster ${ROSTER_VERSION}`);
  return 0;
}

/** Runs one CLI command; answers the exit code (0 done, 1 failed, 2 the command line is wrong). */
export async function main(argv: readonly string[], io: CliOutput = consoleOutput): Promise<number> {
  if (io === consoleOutput) exitQuietlyWhenStdoutCloses();
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h') {
      io.out(USAGE);
      return 0;
    }
    if (command === 'help') {
      // `roster help tenant delete` is `roster tenant delete --help`.
      if (rest.length === 0) {
        io.out(USAGE);
        return 0;
      }
      return await main([...rest, '--help'], io);
    }
    if (command === '--version' || command === '-V' || command === 'version') return version(rest, io);
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!run) {
      const known = [...Object.keys(COMMANDS), 'version', 'help'];
      const hint = command.startsWith('-') ? didYouMean(command.replace(/^-+/, ''), ['help', 'version'], '--') : didYouMean(command, known);
      throw new UsageError(`unknown ${command.startsWith('-') ? 'option' : 'command'} ${command}${hint}`, '');
    }
    return await run(rest, io);
  } catch (error) {
    if (error instanceof HelpRequested) {
      io.out(error.text);
      return 0;
    }
    if (error instanceof UsageError) {
      io.err(`roster: ${error.message}`);
      io.err(`run \`roster ${error.command ? `${error.command} ` : ''}--help\` for usage`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof DomainError) {
      io.err(`roster: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
