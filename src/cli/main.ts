import { ConfigError } from '../config/config.js';
import { adminCommand } from './admin-command.js';
import { DomainError } from '../provisioning/errors.js';
import { basicCommand, tokenCommand } from './credential-commands.js';
import { setupLinkCommand } from './setup-link-command.js';
import { heldCommand } from './held-command.js';
import { hostkeyCommand } from './hostkey-command.js';
import { webhookCommand } from './webhook-command.js';
import { consoleOutput, type CliOutput } from './context.js';
import { serveCommand } from './serve-command.js';
import { tenantCommand } from './tenant-command.js';
import { doctorCommand } from './doctor-command.js';
import { exportCommand } from './export-command.js';
import { importCommand } from './import-command.js';

const USAGE = `usage: roster <command>

  serve                              start the server (roster serve --help lists settings)
  tenant create <slug> [--name N]    create a tenant
  tenant list                        list tenants with last SCIM request / change
  tenant disable|enable <slug>       switch SCIM provisioning off (403) or on; credentials are kept
  tenant settings <slug> [...]       show or change languages, matching field, extension URN, SSO updates
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
  held list|approve|discard <slug>   mass changes held by the guard, for an admin to decide
  webhook add|list|remove|rotate|dead|replay   webhook endpoints and their deliveries (roster webhook for details)
  hostkey create|list|revoke         keys for the host product's API (/host/v1)
  doctor                             check configuration, database, migrations and each tenant's sync
  export <slug> [--out F] [--format json|ndjson] [--with-credentials]
                                     write a tenant (people, groups, folders, settings, event cursor)
  import <file> [--slug S]           restore an export into an empty tenant, on either database

Add --json for machine-readable output. Settings come from the environment (DATABASE_URL, PORT, …)
or flags (--database-url, --port, …).`;

/** Runs one CLI command; answers the exit code. */
export async function main(argv: readonly string[], io: CliOutput = consoleOutput): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(rest, io);
      case 'tenant':
        return await tenantCommand(rest, io);
      case 'token':
        return await tokenCommand(rest, io);
      case 'setup-link':
        return await setupLinkCommand(rest, io);
      case 'basic':
        return await basicCommand(rest, io);
      case 'admin':
        return await adminCommand(rest, io);
      case 'held':
        return await heldCommand(rest, io);
      case 'webhook':
        return await webhookCommand(rest, io);
      case 'hostkey':
        return await hostkeyCommand(rest, io);
      case 'doctor':
        return await doctorCommand(rest, io);
      case 'export':
        return await exportCommand(rest, io);
      case 'import':
        return await importCommand(rest, io);
      default:
        io.err(USAGE);
        return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DomainError) {
      io.err(`roster: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
