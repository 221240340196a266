import { disableAdmin, enableAdmin, removeAdmin } from '../provisioning/admins/admin-lifecycle.js';
import { createAdmin, generatePassword, listAdmins } from '../provisioning/admins/manage-admins.js';
import { issuePasswordReset, resetLink, RESET_LINK_TTL_MS } from '../provisioning/admins/password-reset.js';
import { dispatch, missing, noExtra, UsageError, type ParsedArgs } from './args.js';
import { askOnTerminal, when, withRuntime, type CliOutput, type Prompt } from './context.js';

/** Reads a password from standard input (one line; the trailing newline is not part of it). */
async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** The `--email` of a subcommand that acts on one admin. */
function emailOf(command: string, args: ParsedArgs): string {
  noExtra(command, args.positional, 0);
  const email = args.flags.get('email');
  if (typeof email !== 'string' || email.trim() === '') missing(command, '--email E');
  return email;
}

/** `--expires 30m|2h|1d` as milliseconds. */
function parseDuration(text: string): number {
  const match = /^(\d+)\s*(m|min|h|d)$/i.exec(text.trim());
  if (!match) throw new UsageError(`--expires "${text}" is not a duration like 30m, 2h or 1d`, 'admin reset-password');
  const unit = match[2]!.toLowerCase();
  return Number(match[1]) * (unit === 'd' ? 86_400_000 : unit === 'h' ? 3_600_000 : 60_000);
}

/** `roster admin …`: who may sign in to the console, and taking that away again. */
export async function adminCommand(
  argv: readonly string[],
  io: CliOutput,
  stdin: NodeJS.ReadableStream = process.stdin,
  prompt: Prompt = askOnTerminal,
): Promise<number> {
  return dispatch(
    'admin',
    'usage: roster admin <subcommand>',
    {
      create: {
        usage:
          'roster admin create --email E [--tenant SLUG] [--password-stdin] [--json]\n' +
          '      a console admin: without --tenant an operator (every tenant), with it a tenant admin of that tenant only;\n' +
          '      without --password-stdin a password is generated and printed once',
        flags: { email: 'value', tenant: 'value', 'password-stdin': 'boolean', json: 'boolean' },
        run: async (args) => {
          const email = emailOf('admin create', args);
          const tenant = args.flags.get('tenant');
          const fromStdin = args.flags.has('password-stdin');
          const password = fromStdin ? await readStdin(stdin) : generatePassword();
          return withRuntime(args.passthrough, async (rt) => {
            const admin = await createAdmin(rt, { email, password, ...(typeof tenant === 'string' ? { tenantSlug: tenant } : {}) });
            const scope = admin.role === 'operator' ? 'operator (every tenant)' : `tenant admin of ${String(tenant)}`;
            if (args.flags.has('json')) {
              io.out(JSON.stringify({ id: admin.id, email: admin.email, role: admin.role, tenant: tenant ?? null, ...(fromStdin ? {} : { password }) }));
            } else {
              io.out(`admin ${admin.email} created: ${scope}`);
              if (!fromStdin) {
                io.out(`password: ${password}`);
                io.err('copy the password now: it is not shown again (only its scrypt hash is stored).');
              }
              io.err('sign in at <PUBLIC_URL or http://host:port>/admin/');
            }
            return 0;
          });
        },
      },
      list: {
        usage: 'roster admin list [--json]                                   console admins, their role, state and last sign-in',
        flags: { json: 'boolean' },
        run: (args) => {
          noExtra('admin list', args.positional, 0);
          return withRuntime(args.passthrough, async (rt) => {
            const [admins, tenants] = await Promise.all([listAdmins(rt), rt.store.tenants.list()]);
            const slugOf = new Map(tenants.map((t) => [t.id, t.slug]));
            if (args.flags.has('json')) {
              io.out(
                JSON.stringify(
                  admins.map((a) => ({
                    id: a.id,
                    email: a.email,
                    role: a.role,
                    tenant: a.tenantId === null ? null : (slugOf.get(a.tenantId) ?? null),
                    disabled: a.disabledMs === null ? null : new Date(a.disabledMs).toISOString(),
                    created: new Date(a.createdMs).toISOString(),
                    lastSignIn: a.lastSignInMs === null ? null : new Date(a.lastSignInMs).toISOString(),
                  })),
                ),
              );
            } else {
              io.out(['EMAIL', 'ROLE', 'TENANT', 'STATE', 'CREATED', 'LAST SIGN-IN'].join('\t'));
              for (const a of admins) {
                const tenant = a.tenantId === null ? '*' : (slugOf.get(a.tenantId) ?? '?');
                io.out(
                  [a.email, a.role, tenant, a.disabledMs === null ? 'enabled' : `disabled ${when(a.disabledMs)}`, when(a.createdMs), when(a.lastSignInMs)].join('\t'),
                );
              }
            }
            return 0;
          });
        },
      },
      disable: {
        usage: 'roster admin disable --email E [--json]                      the admin cannot sign in; their sessions end now',
        flags: { email: 'value', json: 'boolean' },
        run: (args) => {
          const email = emailOf('admin disable', args);
          return withRuntime(args.passthrough, async (rt) => {
            const { admin, sessionsEnded } = await disableAdmin(rt, email, 'cli');
            if (args.flags.has('json')) io.out(JSON.stringify({ id: admin.id, email: admin.email, disabled: true, sessionsEnded }));
            else
              io.out(`disabled ${admin.email}; ${sessionsEnded} session${sessionsEnded === 1 ? '' : 's'} ended (roster admin enable --email ${admin.email} undoes it)`);
            return 0;
          });
        },
      },
      enable: {
        usage: 'roster admin enable --email E [--json]                       a disabled admin may sign in again',
        flags: { email: 'value', json: 'boolean' },
        run: (args) => {
          const email = emailOf('admin enable', args);
          return withRuntime(args.passthrough, async (rt) => {
            const admin = await enableAdmin(rt, email, 'cli');
            if (args.flags.has('json')) io.out(JSON.stringify({ id: admin.id, email: admin.email, disabled: false }));
            else io.out(`enabled ${admin.email}`);
            return 0;
          });
        },
      },
      remove: {
        usage: 'roster admin remove --email E [--yes] [--json]               remove an admin and their sessions (asks first)',
        flags: { email: 'value', yes: 'boolean', json: 'boolean' },
        run: (args) => {
          const email = emailOf('admin remove', args);
          return withRuntime(args.passthrough, async (rt) => {
            if (!args.flags.has('yes')) {
              const answer = await prompt(`Remove admin ${email.trim()}? They cannot sign in again unless re-created. [y/N] `);
              if (answer === undefined) throw new UsageError('standard input is not a terminal: pass --yes to remove without the question', 'admin remove');
              if (!/^y(es)?$/i.test(answer.trim())) {
                io.err(`not confirmed; ${email.trim()} is unchanged`);
                return 1;
              }
            }
            const admin = await removeAdmin(rt, email, 'cli');
            if (args.flags.has('json')) io.out(JSON.stringify({ id: admin.id, email: admin.email, removed: true }));
            else io.out(`removed ${admin.email} (${admin.role === 'operator' ? 'operator' : 'tenant admin'}) and their sessions`);
            return 0;
          });
        },
      },
      'reset-password': {
        usage:
          'roster admin reset-password --email E [--expires 1h] [--json]\n' +
          '      print a single-use link where the admin sets a new password (valid 1 hour unless --expires 30m|2h|1d, at most 7d);\n' +
          '      using it ends every session of the admin; a newer link replaces an older one',
        flags: { email: 'value', expires: 'value', json: 'boolean' },
        run: (args) => {
          const email = emailOf('admin reset-password', args);
          const expires = args.flags.get('expires');
          const ttlMs = typeof expires === 'string' ? parseDuration(expires) : RESET_LINK_TTL_MS;
          return withRuntime(args.passthrough, async (rt, config) => {
            const { admin, token, expiresMs } = await issuePasswordReset(rt, email, { actor: 'cli', ttlMs });
            const link = resetLink(config.publicUrl || `http://${config.host}:${config.port}`, token);
            if (args.flags.has('json')) io.out(JSON.stringify({ email: admin.email, link, expires: new Date(expiresMs).toISOString() }));
            else {
              io.out(link);
              io.err(`a one-time link for ${admin.email}, valid until ${when(expiresMs)}: hand it over privately; anyone with it can set the password.`);
              if (!config.publicUrl) io.err('set PUBLIC_URL to the address admins use, so the link points there.');
            }
            return 0;
          });
        },
      },
    },
    argv,
  );
}
