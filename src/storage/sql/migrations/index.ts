import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { Engine } from '../engine.js';
import type { RosterDatabase } from '../tables.js';
import { initialMigration } from './001-initial.js';
import { directoryMigration } from './002-directory.js';
import { eventsMigration } from './003-events.js';
import { deliveryMigration } from './004-delivery.js';
import { adminMigration } from './005-admin.js';
import { heldChangesMigration } from './006-held-changes.js';
import { eventsNumberedAfterCommitMigration } from './007-events-numbered-after-commit.js';
import { lighterOutboxMigration } from './008-lighter-outbox.js';
import { webhookLeaseTokenMigration } from './009-webhook-lease-token.js';
import { peopleSearchMigration } from './010-people-search.js';
import { duplicateKeysMigration } from './011-duplicate-keys.js';
import { dayTwoMigration } from './012-day-two.js';
import { rateWindowsAndWriteProbeMigration } from './013-rate-windows-and-write-probe.js';
import { webhookRetiringSecretsMigration } from './014-webhook-retiring-secrets.js';
import { setupLinksMigration } from './016-setup-links.js';
import { retentionMigration } from './015-retention.js';
import { tenantPreviewMigration } from './017-tenant-preview.js';
import { logDetailMigration } from './018-log-detail.js';
import { peopleSortMigration } from './019-people-sort.js';

/** Every migration in order; names are permanent once released. */
export function migrationsFor(engine: Engine): Record<string, Migration> {
  return {
    '001-initial': initialMigration(engine),
    '002-directory': directoryMigration(engine),
    '003-events': eventsMigration(engine),
    '004-delivery': deliveryMigration(engine),
    '005-admin': adminMigration(engine),
    '006-held-changes': heldChangesMigration(engine),
    '007-events-numbered-after-commit': eventsNumberedAfterCommitMigration(engine),
    '008-lighter-outbox': lighterOutboxMigration(engine),
    '009-webhook-lease-token': webhookLeaseTokenMigration(),
    '010-people-search': peopleSearchMigration(engine),
    '011-duplicate-keys': duplicateKeysMigration(engine),
    '012-day-two': dayTwoMigration(),
    '013-rate-windows-and-write-probe': rateWindowsAndWriteProbeMigration(engine),
    '014-webhook-retiring-secrets': webhookRetiringSecretsMigration(),
    '015-retention': retentionMigration(),
    '016-setup-links': setupLinksMigration(),
    '017-tenant-preview': tenantPreviewMigration(),
    '018-log-detail': logDetailMigration(),
    '019-people-sort': peopleSortMigration(),
  };
}

class InCodeMigrations implements MigrationProvider {
  constructor(private readonly engine: Engine) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrationsFor(this.engine);
  }
}

/**
 * Names the schema of the bookkeeping tables on PostgreSQL: without it the migrator looks for them
 * in every schema and, finding another tenant database's, skips creating its own.
 */
function newMigrator(db: Kysely<RosterDatabase>, engine: Engine, schema: string | undefined): Migrator {
  const provider = new InCodeMigrations(engine);
  if (engine !== 'postgres') return new Migrator({ db, provider });
  return new Migrator({ db, provider, migrationTableSchema: schema ?? 'public' });
}

/** Applies pending migrations; throws with the failing migration's name if one fails. */
/**
 * Runs a migrator, listing again when the listing failed. Kysely's migrator lists the tables of
 * every schema in the database first; a schema another process drops meanwhile makes that listing
 * fail ("schema … does not exist") before any migration ran, so listing again is safe.
 */
async function migrateListingAgain(run: () => Promise<MigrationResultSet>): Promise<MigrationResultSet> {
  let outcome = await run();
  for (let attempt = 1; attempt < 5 && outcome.error && !outcome.results?.length && /does not exist/.test(String(outcome.error)); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    outcome = await run();
  }
  return outcome;
}

export async function migrateToLatest(db: Kysely<RosterDatabase>, engine: Engine, schema?: string): Promise<string[]> {
  const migrator = newMigrator(db, engine, schema);
  const { error, results } = await migrateListingAgain(() => migrator.migrateToLatest());
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`database migration failed${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Applies migrations up to and including `name` only (tests of a migration over existing rows). */
export async function migrateUpTo(db: Kysely<RosterDatabase>, engine: Engine, name: string, schema?: string): Promise<void> {
  const migrator = newMigrator(db, engine, schema);
  const { error } = await migrateListingAgain(() => migrator.migrateTo(name));
  if (error) throw new Error(`database migration to ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
}

/** Names of migrations not yet applied (for readiness and `roster doctor`). */
export async function pendingMigrations(db: Kysely<RosterDatabase>, engine: Engine, schema?: string): Promise<string[]> {
  const migrator = newMigrator(db, engine, schema);
  const all = await migrator.getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
