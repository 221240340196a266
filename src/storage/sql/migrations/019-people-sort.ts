import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Indexes for the People overview's sorts (admin `sort=name|userName|updated`, either direction):
 * each is (tenant_id, the exact sort expression of sort-expression.ts, id), so a page in that order
 * — first or after a cursor — is a walk along one index with no sort step. `name` sorts by the
 * folded display name, which may be null, hence the coalesce; userName and last modified are NOT NULL
 * and indexed bare. userName's unique (tenant_id, user_name_fold) of 001 orders a tenant totally,
 * but PostgreSQL's planner does not infer that and sorted again for the trailing id. Email is not offered as a sort: emails live in the child table
 * user_emails, so no index on users can order people by one.
 *
 * The 001 indexes users_display_name (tenant_id, display_name_fold) and users_modified (tenant_id,
 * modified_ms) stay: filters use them, and they lack the id that makes the order total.
 */
export function peopleSortMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`create index users_sort_name on users (tenant_id, (coalesce(display_name_fold, '')), id)`.execute(db);
      await db.schema.createIndex('users_sort_user_name').on('users').columns(['tenant_id', 'user_name_fold', 'id']).execute();
      await db.schema.createIndex('users_sort_modified').on('users').columns(['tenant_id', 'modified_ms', 'id']).execute();
    },
  };
}
