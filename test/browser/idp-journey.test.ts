/**
 * The customer's IT admin's whole journey in a real browser (Debian's Chromium driven by
 * playwright-core), against a real listening Roster on SQLite and PostgreSQL, once with Okta's
 * recorded request sequence and once with Entra's: the host product makes a setup link (the empty
 * tenant opens in preview), the admin opens it, picks the IdP, generates the token and sees the
 * IdP's first request arrive; a first sync of a few hundred people lands in preview and the page
 * shows it as it lands, with its warnings, while the host hears nothing (with Entra, a false start
 * is discarded first, after the confirmation step, and the IdP pushes again); the admin presses Go live,
 * and a real webhook receiver (verifying signatures with roster-scim-webhooks) gets `tenant.live`,
 * fetches the snapshot it points to (every person), then the IdP's next change as an event.
 * On SQLite with Okta it screenshots the key steps: into a temporary folder, or into
 * docs/screenshots/ (journey-*.png) when UPDATE_SCREENSHOTS=1.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { verifyWebhook, type RosterEvent } from 'roster-scim-webhooks';
import { createServer, type RosterServer } from '../../src/app/create-server.js';
import { loadConfig } from '../../src/config/config.js';
import { addWebhook } from '../../src/events/manage-webhooks.js';
import type { JsonObject, JsonValue } from '../../src/json/json-value.js';
import { issueHostKey } from '../../src/provisioning/host-keys/host-keys.js';
import { createTenant } from '../../src/provisioning/tenants/manage-tenants.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../../src/testing/databases.js';
import { waitUntil } from '../../src/testing/wait-until.js';
import { Recording } from '../conformance/recorded-exchanges.js';
import { chromiumSkipReason, launchChromium } from './chromium.js';

const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots')
    : mkdtempSync(join(tmpdir(), 'roster-journey-screenshots-'));
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
/** A first sync of a few hundred people: enough to watch it land. */
const PEOPLE = 240;

const missing = chromiumSkipReason();
if (missing && process.env.CI === 'true') {
  describe('the IT admin journey in a real browser', () => {
    it('needs Chromium under CI', () => {
      assert.fail(`FAIL: ${missing}. The browser tests cannot run without it.`);
    });
  });
} else if (missing) {
  console.error(`\n!! IT admin journey browser tests SKIPPED: ${missing}\n`);
} else {
  const build = spawnSync(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'admin-ui', 'build.mjs')], { encoding: 'utf8' });
  assert.equal(build.status, 0, `the console did not build:\n${build.stdout}${build.stderr}`);
}

/** The host product's webhook endpoint: verifies each request, keeps the events, reads the snapshot it is pointed to. */
interface Receiver {
  readonly url: string;
  readonly events: RosterEvent[];
  /** Requests refused for a bad signature (there must be none). */
  refused: number;
  snapshot: { seq: number; people: number; userNames: Set<string> } | undefined;
  close(): Promise<void>;
}

async function startReceiver(secret: () => string, hostKey: string): Promise<Receiver> {
  const state: { events: RosterEvent[]; refused: number; snapshot: Receiver['snapshot'] } = { events: [], refused: 0, snapshot: undefined };
  const server: Server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      let event: RosterEvent;
      try {
        event = verifyWebhook({ body: Buffer.concat(chunks), headers: request.headers, secrets: [secret()] });
      } catch {
        state.refused += 1;
        response.writeHead(400).end();
        return;
      }
      state.events.push(event);
      response.writeHead(204).end();
      // As a host's receiver would: on tenant.live, read the whole directory once.
      if (event.type === 'tenant.live') {
        void (async () => {
          const answer = await fetch(event.data.snapshot, { headers: { authorization: `Bearer ${hostKey}` } });
          const body = (await answer.json()) as { seq: number; people: { userName: string }[] };
          state.snapshot = { seq: body.seq, people: body.people.length, userNames: new Set(body.people.map((p) => p.userName)) };
        })();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/roster-events`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** One IdP's first sync as its recorded sequence sends it, person by person, with the warnings a real directory has. */
interface IdpScript {
  readonly name: string;
  readonly slug: string;
  readonly recording: Recording;
  /** The IdP's own connection test (its first request). */
  testConnection(send: Send): Promise<void>;
  /** Looks for the person, then creates them; answers Roster's answer to the create. */
  pushPerson(send: Send, n: number): Promise<JsonObject>;
  /** Pushes a group with these members. */
  pushGroup(send: Send, memberIds: readonly string[]): Promise<void>;
  /** One ordinary change after going live: a deactivation. */
  deactivate(send: Send, id: string): Promise<void>;
}

type Send = (request: { method: string; path: string; headers: Record<string, string>; body?: JsonValue }, expect: number | number[]) => Promise<JsonObject>;

const userNameOf = (domain: string, n: number) => `person${String(n).padStart(3, '0')}@${domain}`;

/** What makes the preview worth looking at, spread over the people the same way for both IdPs. */
function warnings(n: number): JsonObject {
  const extra: JsonObject = {};
  if (n % 40 === 7) extra['titel'] = 'Engineer'; // misspelt: stored nowhere, "title" suggested
  if (n % 30 === 3) extra['timezone'] = 'Pacific Standard Time'; // kept, flagged: not an IANA zone
  if (n % 25 !== 11) extra['preferredLanguage'] = 'en'; // the others are incomplete profiles
  extra['addresses'] = [{ type: 'work', country: 'GB' }];
  return extra;
}
/** A manager who never arrives: a pending reference. */
const managerOf = (n: number) => (n % 50 === 5 ? { value: 'departed.manager@example.test' } : undefined);

function oktaScript(): IdpScript {
  const recording = new Recording('okta.json');
  const domain = 'okta-acme.example';
  return {
    name: 'Okta',
    slug: 'okta',
    recording,
    async testConnection(send) {
      await send(recording.request('test-credentials'), 200);
    },
    async pushPerson(send, n) {
      const userName = userNameOf(domain, n);
      // Okta's existence check, then its create, with this person in the recorded shapes.
      const check = recording.request('existence-check');
      await send({ ...check, path: check.path.replace(encodeURIComponent('test.user@okta.local'), encodeURIComponent(userName)) }, 200);
      const create = recording.request('create-user');
      const manager = managerOf(n);
      const body: JsonObject = {
        ...recording.body('create-user'),
        userName,
        externalId: `00u${String(n).padStart(17, '0')}`,
        name: { givenName: `Given${n}`, familyName: `Family${n}` },
        displayName: `Given${n} Family${n}`,
        emails: [{ primary: true, value: userName, type: 'work' }],
        ...warnings(n),
        ...(manager ? { schemas: [USER, ENTERPRISE], [ENTERPRISE]: { manager } } : {}),
      };
      return send({ ...create, body }, 201);
    },
    async pushGroup(send, memberIds) {
      const created = await send({ ...recording.request('push-group'), body: { ...recording.body('push-group'), displayName: 'Everyone at Acme' } }, 201);
      const groupId = String(created['id']);
      const variables = { groupId, memberId: memberIds[0]!, memberDisplay: memberIds[0]! };
      const add = recording.request('add-member', variables);
      const body = recording.body('add-member', variables);
      const operations = body['Operations'] as JsonObject[];
      await send({ ...add, body: { ...body, Operations: [{ ...operations[0]!, value: memberIds.map((value) => ({ value, display: value })) }] } }, 204);
    },
    async deactivate(send, id) {
      await send(recording.request('deactivate-user', { userId: id }), 200);
    },
  };
}

function entraScript(): IdpScript {
  const recording = new Recording('entra.json');
  const domain = 'entra-acme.example';
  return {
    name: 'Microsoft Entra ID',
    slug: 'entra-id',
    recording,
    async testConnection(send) {
      await send(recording.request('test-connection-username', { guid: '5c5fd0d6-5e5a-4f53-b6ee-3b6d52a2a6f3' }), 200);
    },
    async pushPerson(send, n) {
      const userName = userNameOf(domain, n);
      // Entra's "does this user exist" query, then its create, with this person in the recorded shapes.
      await send(recording.request('filter-user-name', { userName }), 200);
      const manager = managerOf(n);
      const recorded = recording.body('create-user');
      const body: JsonObject = {
        ...recorded,
        externalId: `e-${n}`,
        userName,
        emails: [{ primary: true, type: 'work', value: userName }],
        name: { formatted: `Given${n} Family${n}`, givenName: `Given${n}`, familyName: `Family${n}` },
        ...warnings(n),
        ...(manager ? { [ENTERPRISE]: { manager } } : {}),
      };
      return send({ ...recording.request('create-user'), body }, 201);
    },
    async pushGroup(send, memberIds) {
      const created = await send({ ...recording.request('create-group'), body: { ...recording.body('create-group'), displayName: 'Everyone at Acme' } }, 201);
      const groupId = String(created['id']);
      const add = recording.request('add-members', { groupId, firstId: memberIds[0]!, secondId: memberIds[1]! });
      const body = recording.body('add-members', { groupId, firstId: memberIds[0]!, secondId: memberIds[1]! });
      const operations = body['Operations'] as JsonObject[];
      // Entra adds members in batches of its own; one batch of everyone is the same request shape.
      await send({ ...add, body: { ...body, Operations: [{ ...operations[0]!, value: memberIds.map((value) => ({ $ref: null, value })) }] } }, 204);
    },
    async deactivate(send, id) {
      await send(recording.request('disable-user-flagged', { userId: id }), 200);
    },
  };
}

for (const { engine, skip } of testEngines()) {
  describe(`the IT admin's journey in Chromium on ${engine}`, { skip: missing || skip }, () => {
    let database: TestDatabase;
    let server: RosterServer;
    let base: string;
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    let hostKey: string;

    before(async () => {
      database = await createTestDatabase(engine);
      const config = loadConfig({
        LOG_LEVEL: 'silent',
        DATABASE_URL: database.url,
        DB_POOL_SIZE: '4',
        PORT: '0',
        HOST: '127.0.0.1',
        WEBHOOK_POLL_MS: '50',
        WEBHOOK_RETRY_BASE_MS: '20',
        WEBHOOK_RETRY_MAX_MS: '200',
        WEBHOOK_TIMEOUT_MS: '5000',
        WEBHOOK_LEASE_MS: '10000',
      });
      server = await createServer(config);
      base = (await server.listen()).replace('[::1]', '127.0.0.1');
      hostKey = (await issueHostKey(server.rt, { label: 'Acme HR backend' })).secret;
      browser = await launchChromium();
    });

    after(async () => {
      await browser?.close();
      await server?.close();
      await database?.dispose();
    });

    for (const script of [oktaScript(), entraScript()]) {
      it(`${script.name}: setup link, first request, a first sync in preview with its warnings, Go live, then the snapshot and events`, async () => {
        const shots = engine === 'sqlite' && script.slug === 'okta';
        const tenantSlug = `acme-${script.slug}`;
        const page: Page = await browser.context.newPage();
        page.setDefaultTimeout(20_000);
        const shoot = async (name: string, target?: ReturnType<Page['locator']>) => {
          if (!shots) return;
          mkdirSync(SCREENSHOTS, { recursive: true });
          if (target) await target.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
          else await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
        };
        const host = (path: string) => fetch(`${base}/host/v1/tenants/${tenantSlug}${path}`, { headers: { authorization: `Bearer ${hostKey}` } });

        // The host product: a tenant for its new customer, its webhook, and a setup link for their IT admin.
        await createTenant(server.rt, { slug: tenantSlug, name: 'Acme Corp' });
        let secret = '';
        const receiver = await startReceiver(() => secret, hostKey);
        try {
          secret = (await addWebhook(server.rt, { tenantSlug, url: receiver.url, label: 'Acme HR' })).secret;
          const made = await fetch(`${base}/host/v1/tenants/${tenantSlug}/setup-links`, {
            method: 'POST',
            headers: { authorization: `Bearer ${hostKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ expiresIn: '7d', singleUse: true, productName: 'Acme HR', accent: '#0f766e' }),
          });
          assert.equal(made.status, 201);
          const link = (await made.json()) as { url: string; tenantMode: string };
          assert.equal(link.tenantMode, 'preview', 'an empty tenant opens in preview');

          // The IT admin opens it, starts, and chooses their IdP.
          await page.goto(link.url);
          await page.getByRole('button', { name: 'Start setup' }).click();
          await page.waitForURL(/\/admin\/setup$/);
          await page.getByRole('link', { name: script.name, exact: true }).click();
          await page.locator('.guide-step').first().waitFor();
          await shoot('journey-1-guided-setup');
          await page.getByRole('button', { name: 'Generate token' }).click();
          const token = await page.locator('#setup-token-value').inputValue();
          assert.match(token, /^rst_/);

          const send: Send = async (request, expect) => {
            const response = await fetch(`${base}/scim/v2${request.path}`, {
              method: request.method,
              headers: {
                accept: 'application/scim+json',
                ...request.headers,
                authorization: `Bearer ${token}`,
                ...(request.body === undefined ? {} : { 'content-type': 'application/scim+json' }),
              },
              ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
            });
            const text = await response.text();
            const statuses = typeof expect === 'number' ? [expect] : expect;
            assert.ok(statuses.includes(response.status), `${request.method} ${request.path}: ${response.status} ${text.slice(0, 300)}`);
            return text ? (JSON.parse(text) as JsonObject) : {};
          };

          // The IdP's own connection test arrives on the page, live.
          await script.testConnection(send);
          await page.locator('.attempt-ok').first().waitFor();
          await page.locator('.live-ok').waitFor();
          await shoot('journey-2-first-request', page.locator('.live-check'));

          const preview = page.locator('#preview');
          await preview.waitFor();
          if (script.slug === 'entra-id') {
            // A false start: a few people, then Discard (after its confirmation) empties the preview
            // and keeps the token, so the IdP pushes again.
            for (let n = 1; n <= 3; n++) await script.pushPerson(send, n);
            await page.locator('#preview-people', { hasText: '3 ' }).waitFor();
            await page.locator('#preview-discard').click();
            await page.locator('.preview-confirm', { hasText: 'Discard this preview?' }).waitFor();
            await page.locator('#preview-discard-confirm').click();
            await page.locator('#preview-outcome', { hasText: 'Discarded: 3 people' }).waitFor();
            await page.locator('#preview-people', { hasText: '0 ' }).waitFor();
          }

          // The first sync, in the IdP's recorded order: people one by one, then a group of everyone.
          const ids: string[] = [];
          const sync = (async () => {
            for (let n = 1; n <= PEOPLE; n++) ids.push(String((await script.pushPerson(send, n))['id']));
            await script.pushGroup(send, ids);
          })();
          // The page shows it landing, without a reload: some people before the sync is over.
          const people = page.locator('#preview-people');
          await waitUntil(async () => /^[1-9]/.test((await people.textContent()) ?? ''), 'the first people to show on the page', 60_000);
          await sync;
          await page.locator('#preview-people', { hasText: `${PEOPLE} ` }).waitFor({ timeout: 30_000 });
          await page.locator('#preview-groups', { hasText: '1' }).waitFor();
          // Its warnings, each with what to do about it.
          const ignored = preview.locator('tr', { hasText: 'titel' });
          await ignored.waitFor();
          assert.match((await ignored.textContent()) ?? '', /titel.*title/, 'the attribute probably meant');
          await preview.locator('tr', { hasText: 'timezone' }).filter({ hasText: 'IANA' }).waitFor();
          assert.match((await preview.textContent()) ?? '', /Incomplete profiles\s*\d+/);
          await preview.getByText('departed.manager@example.test').first().waitFor();
          await preview.getByRole('heading', { name: /Mass-change guard/ }).waitFor();

          // The host hears nothing while in preview: no webhook, and its API answers 409.
          const refused = await host('/snapshot');
          assert.equal(refused.status, 409);
          assert.equal(((await refused.json()) as { error: string }).error, 'tenant_in_preview');
          assert.equal((await host('/events')).status, 409);
          assert.equal(receiver.events.length, 0, 'no webhook before go-live');
          await shoot('journey-3-preview', preview);

          // Go live, confirmed.
          await page.locator('#preview-go-live').click();
          await page.locator('#preview-go-live-confirm').click();
          await page.locator('#preview-outcome', { hasText: 'Live.' }).waitFor();
          await shoot('journey-4-live', preview.locator('.card-body').first());

          // The receiver: tenant.live first, with the snapshot it then reads whole; then the IdP's next change.
          await waitUntil(() => receiver.events.length >= 1 && receiver.snapshot !== undefined, 'tenant.live and the snapshot', 30_000);
          const first = receiver.events[0]!;
          assert.equal(first.type, 'tenant.live');
          assert.ok(first.type === 'tenant.live' && first.data.snapshotSeq === first.seq);
          assert.equal(receiver.snapshot!.people, PEOPLE, 'the snapshot holds every person of the first sync');
          assert.ok(receiver.snapshot!.userNames.has(userNameOf(script.slug === 'okta' ? 'okta-acme.example' : 'entra-acme.example', PEOPLE)));
          assert.ok(receiver.snapshot!.seq >= first.seq);
          await script.deactivate(send, ids[0]!);
          await waitUntil(() => receiver.events.some((e) => e.type === 'user.deactivated'), 'the deactivation as an event', 30_000);
          assert.deepEqual(
            receiver.events.map((e) => e.type),
            ['tenant.live', 'user.deactivated'],
            'nothing of the preview, then the change',
          );
          assert.ok(receiver.events[1]!.seq > receiver.snapshot!.seq, 'the event follows the snapshot');
          assert.equal(receiver.refused, 0, 'every request carried a valid signature');
        } finally {
          await receiver.close();
          await page.close();
        }
      });
    }
  });
}
