import { createAdmin, generatePassword, listAdmins } from '../provisioning/admins/manage-admins.js';
import { parseArgs } from './args.js';
import { when, withRuntime, type CliOutput } from './context.js';

const USAGE =
  'usage: roster admin create --email E [--tenant SLUG] [--password-stdin] [--json] | roster admin list [--json]\n' +
  '  without --tenant the admin is an operator (every tenant); with it, a tenant admin of that tenant only.\n' +
  '  without --password-stdin a password is generated and printed once.';

/** Reads a password from standard input (one line; the trailing newline is not part of it). */
async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** `roster admin create|list`: who may sign in to the console. */
export async function adminCommand(argv: readonly string[], io: CliOutput, stdin: NodeJS.ReadableStream = process.stdin): Promise<number> {
  const args = parseArgs(argv, { email: 'value', tenant: 'value', 'password-stdin': 'boolean', json: 'boolean' });
  const [action] = args.positional;
  const json = args.flags.has('json');
  if (action === 'create') {
    const email = args.flags.get('email');
    const tenant = args.flags.get('tenant');
    if (typeof email !== 'string' || email === '' || tenant === true) {
      io.err(USAGE);
      return 2;
    }
    const fromStdin = args.flags.has('password-stdin');
    const password = fromStdin ? await readStdin(stdin) : generatePassword();
    return withRuntime(args.passthrough, async (rt) => {
      const admin = await createAdmin(rt, { email, password, ...(typeof tenant === 'string' ? { tenantSlug: tenant } : {}) });
      const scope = admin.role === 'operator' ? 'operator (every tenant)' : `tenant admin of ${String(tenant)}`;
      if (json) {
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
  }
  if (action === 'list') {
    return withRuntime(args.passthrough, async (rt) => {
      const [admins, tenants] = await Promise.all([listAdmins(rt), rt.store.tenants.list()]);
      const slugOf = new Map(tenants.map((t) => [t.id, t.slug]));
      const rows = admins.map((a) => ({
        id: a.id,
        email: a.email,
        role: a.role,
        tenant: a.tenantId === null ? null : (slugOf.get(a.tenantId) ?? null),
        created: new Date(a.createdMs).toISOString(),
        lastSignIn: a.lastSignInMs === null ? null : new Date(a.lastSignInMs).toISOString(),
      }));
      if (json) io.out(JSON.stringify(rows));
      else {
        io.out(['EMAIL', 'ROLE', 'TENANT', 'CREATED', 'LAST SIGN-IN'].join('\t'));
        for (const a of admins) {
          io.out([a.email, a.role, a.tenantId === null ? '*' : (slugOf.get(a.tenantId) ?? '?'), when(a.createdMs), when(a.lastSignInMs)].join('\t'));
        }
      }
      return 0;
    });
  }
  io.err(USAGE);
  return 2;
}
