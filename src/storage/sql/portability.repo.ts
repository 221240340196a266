import { sql, type Kysely } from 'kysely';
import type { PortabilityRepository } from '../portability-store.js';
import type { SqlDialect } from './dialects/dialect.js';
import type { RosterDatabase } from './tables.js';

/** Restore-only writes of one tenant. */
export class SqlPortabilityRepository implements PortabilityRepository {
  constructor(
    private readonly db: Kysely<RosterDatabase>,
    private readonly dialect: SqlDialect,
    private readonly tenantId: string,
  ) {}

  async addFolderMembers(folderId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    await sql`insert into folder_members (tenant_id, folder_id, user_id)
      select ${this.tenantId}, ${folderId}, ids.value from ${this.dialect.valuesTable(userIds, 'ids')}
      where true
      on conflict (tenant_id, folder_id, user_id) do nothing`.execute(this.db);
  }

  async restoreEventCursor(lastSeq: number): Promise<void> {
    // The events themselves are not in an export: the restored outbox starts empty after lastSeq,
    // so a feed cursor below it is told to read a snapshot (015-retention.ts), not handed a gap.
    await sql`insert into event_sequences (tenant_id, last_seq, pruned_seq) values (${this.tenantId}, ${lastSeq}, ${lastSeq})
      on conflict (tenant_id) do update set last_seq = excluded.last_seq, pruned_seq = excluded.pruned_seq`.execute(this.db);
  }
}
