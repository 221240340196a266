import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { EventDraft } from '../store.js';
import type { SqlDialect } from './dialects/dialect.js';
import type { RosterDatabase } from './tables.js';

/**
 * The tenant's mode, locked on PostgreSQL until the transaction ends, so a go-live and a discard of
 * the same tenant (in any process) take turns.
 */
async function modeOf(trx: Kysely<RosterDatabase>, dialect: SqlDialect, tenantId: string): Promise<string | undefined> {
  const query = trx.selectFrom('tenants').select('mode').where('id', '=', tenantId);
  const row = await (dialect.engine === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
  return row?.mode;
}

/**
 * Go-live's statements, run in one transaction while no other change of the tenant can append
 * events and every earlier one is numbered (PostgreSQL: inside `withOutboxClosed`; SQLite has one
 * writer). The event takes the next number itself rather than waiting for the sequencer, so its
 * seq is known here: everything before it is the preview and is deleted with it, and the counter's
 * `pruned_seq` says so, which makes a feed cursor from the preview answer 410 (read the snapshot)
 * and leaves the dispatcher nothing older to send.
 */
export async function goLiveIn(trx: Kysely<RosterDatabase>, dialect: SqlDialect, tenantId: string, make: (seq: number) => EventDraft): Promise<number | undefined> {
  if ((await modeOf(trx, dialect, tenantId)) !== 'preview') return undefined;
  const reserved = await trx
    .insertInto('event_sequences')
    .values({ tenant_id: tenantId, last_seq: 1, pruned_seq: 0 })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ last_seq: sql<number>`event_sequences.last_seq + 1` }))
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  const seq = Number(reserved.last_seq);
  const event = make(seq);
  await trx
    .insertInto('events')
    .values({
      tenant_id: tenantId,
      seq,
      id: event.id,
      type: event.type,
      occurred_ms: event.occurredMs,
      data: dialect.documentParam(JSON.stringify(event.data)) as RawBuilder<string>,
    })
    .execute();
  await trx.deleteFrom('events').where('tenant_id', '=', tenantId).where('seq', '<', seq).execute();
  await trx
    .updateTable('event_sequences')
    .set({ pruned_seq: seq - 1 })
    .where('tenant_id', '=', tenantId)
    .execute();
  await trx.updateTable('tenants').set({ mode: 'live' }).where('id', '=', tenantId).execute();
  return seq;
}

/** Discard's outbox step, under the same conditions as go-live's: every event of the preview goes. */
export async function clearPreviewOutboxIn(trx: Kysely<RosterDatabase>, dialect: SqlDialect, tenantId: string): Promise<boolean> {
  if ((await modeOf(trx, dialect, tenantId)) !== 'preview') return false;
  await trx.deleteFrom('events').where('tenant_id', '=', tenantId).execute();
  await trx.updateTable('event_sequences').set({ pruned_seq: sql<number>`last_seq` }).where('tenant_id', '=', tenantId).execute();
  return true;
}
