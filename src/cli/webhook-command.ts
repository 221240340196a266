import { addWebhook, listDeadLetters, listWebhooks, removeWebhook, replayDeadLetter, rotateWebhookSecret, type WebhookView } from '../events/manage-webhooks.js';
import { missing, parseArgs, unknownAction } from './args.js';
import { when, withRuntime, type CliOutput } from './context.js';

const USAGE = `usage: roster webhook add <slug>|--all <url> [--label L] [--json]   add an endpoint (prints its signing secret once)
       roster webhook list [<slug>] [--json]                     endpoints, secret fingerprints, delivery progress
       roster webhook remove <id> [--json]
       roster webhook rotate <id> [--json]                       new secret; the old one signs too for WEBHOOK_SECRET_OVERLAP_MS
       roster webhook dead <slug> [--replayed] [--json]          deliveries that gave up (their streams wait)
       roster webhook replay <dead-letter-id> [--json]              deliver it again; its stream resumes in order`;

function describe(webhook: WebhookView): string[] {
  const lines = [[webhook.id, webhook.tenant ?? '* (all tenants)', webhook.url, webhook.label, webhook.fingerprint, when(webhook.createdMs)].join('\t')];
  if (webhook.previousSecretUntilMs !== null) lines.push(`  previous secret still signs until ${when(webhook.previousSecretUntilMs)}`);
  for (const s of webhook.streams) {
    const error = s.lastError ? `  last error: ${s.lastError}` : '';
    lines.push(`  ${s.tenantSlug}: delivered through seq ${s.lastSeq} of ${s.outboxSeq}, ${s.state}${s.attempts > 0 ? `, ${s.attempts} failed attempts` : ''}${error}`);
  }
  return lines;
}

function toJson(webhook: WebhookView) {
  return {
    ...webhook,
    created: new Date(webhook.createdMs).toISOString(),
    previousSecretUntil: webhook.previousSecretUntilMs === null ? null : new Date(webhook.previousSecretUntilMs).toISOString(),
  };
}

/** `roster webhook …`: endpoints, secrets (shown once), rotation, dead letters and replay. */
export async function webhookCommand(argv: readonly string[], io: CliOutput): Promise<number> {
  const args = parseArgs(argv, { all: 'boolean', label: 'value', json: 'boolean', replayed: 'boolean' }, USAGE, 'webhook');
  const [action, first, second] = args.positional;
  const json = args.flags.has('json');
  const label = args.flags.get('label');
  const usage = (): never => missing(`webhook ${action ?? ''}`.trim(), 'more arguments (roster webhook --help)');
  switch (action) {
    case 'add': {
      const all = args.flags.has('all');
      const slug = all ? null : first;
      const url = all ? first : second;
      if (slug === undefined || !url) return usage();
      return withRuntime(args.passthrough, async (rt) => {
        const { webhook, secret } = await addWebhook(rt, { tenantSlug: slug, url, ...(typeof label === 'string' ? { label } : {}) });
        if (json) io.out(JSON.stringify({ ...toJson(webhook), secret }));
        else {
          io.out(secret);
          io.err(`webhook ${webhook.id} for ${webhook.tenant ?? 'all tenants'} → ${webhook.url}: copy the signing secret now, it is not shown again.`);
        }
        return 0;
      });
    }
    case 'list':
      return withRuntime(args.passthrough, async (rt) => {
        const webhooks = await listWebhooks(rt, first);
        if (json) io.out(JSON.stringify(webhooks.map(toJson)));
        else {
          io.out(['ID', 'TENANT', 'URL', 'LABEL', 'SECRET', 'CREATED'].join('\t'));
          for (const w of webhooks) for (const line of describe(w)) io.out(line);
        }
        return 0;
      });
    case 'remove':
      if (!first) return usage();
      return withRuntime(args.passthrough, async (rt) => {
        await removeWebhook(rt, first);
        io.out(json ? JSON.stringify({ id: first, removed: true }) : `removed webhook ${first}`);
        return 0;
      });
    case 'rotate':
      if (!first) return usage();
      return withRuntime(args.passthrough, async (rt, config) => {
        const { webhook, secret, previousValidUntilMs } = await rotateWebhookSecret(rt, first, config.webhookSecretOverlapMs);
        if (json) io.out(JSON.stringify({ ...toJson(webhook), secret }));
        else {
          io.out(secret);
          io.err(`new secret for webhook ${webhook.id} (${webhook.fingerprint}); the previous one also signs until ${when(previousValidUntilMs)}. Copy it now.`);
        }
        return 0;
      });
    case 'dead':
      if (!first) return usage();
      return withRuntime(args.passthrough, async (rt) => {
        const letters = await listDeadLetters(rt, first, { includeReplayed: args.flags.has('replayed') });
        if (json) io.out(JSON.stringify(letters));
        else {
          io.out(['ID', 'WEBHOOK', 'SEQ', 'EVENT', 'TYPE', 'ATTEMPTS', 'FIRST FAILURE', 'GAVE UP', 'LAST ERROR', 'REPLAYED'].join('\t'));
          for (const d of letters) {
            io.out(
              [
                d.id,
                d.endpointId,
                d.seq,
                d.eventId,
                d.eventType,
                d.attempts,
                when(d.firstFailureMs),
                when(d.deadMs),
                d.lastError ?? '-',
                d.replayedMs === null ? '-' : when(d.replayedMs),
              ].join('\t'),
            );
          }
        }
        return 0;
      });
    case 'replay':
      if (!first) return usage();
      return withRuntime(args.passthrough, async (rt) => {
        const letter = await replayDeadLetter(rt, first);
        io.out(
          json
            ? JSON.stringify({ id: first, seq: letter.seq, eventType: letter.eventType, endpointId: letter.endpointId, replaying: true })
            : `replaying seq ${letter.seq} (${letter.eventType}) to webhook ${letter.endpointId}; its stream resumes from there`,
        );
        return 0;
      });
    default:
      return unknownAction('webhook', action, ['add', 'list', 'remove', 'rotate', 'dead', 'replay']);
  }
}
