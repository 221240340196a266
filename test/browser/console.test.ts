/**
 * The admin console in a real browser (Debian's Chromium driven by playwright-core), against a real
 * listening Roster on SQLite and PostgreSQL: sign in, generate a token in the console, use it for
 * real SCIM requests, watch People overview, Group management and the provisioning log fill in,
 * revoke the token (SCIM then answers 401), and check a tenant admin cannot reach another tenant.
 * On SQLite it also screenshots every page: into a temporary folder, or into docs/screenshots/ (the
 * README's pictures) when UPDATE_SCREENSHOTS=1, so a test run does not rewrite tracked files.
 * Last, the console mounted in a host's Fastify app under a prefix.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { createServer, type RosterServer } from '../../src/app/create-server.js';
import { rosterPlugin } from '../../src/app/roster-plugin.js';
import { loadConfig } from '../../src/config/config.js';
import type { JsonObject } from '../../src/json/json-value.js';
import { createAdmin } from '../../src/provisioning/admins/manage-admins.js';
import { issueCredential } from '../../src/provisioning/credentials/manage-credentials.js';
import { createTenant } from '../../src/provisioning/tenants/manage-tenants.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../../src/testing/databases.js';
import { chromiumSkipReason, launchChromium } from './chromium.js';

const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots')
    : mkdtempSync(join(tmpdir(), 'roster-screenshots-'));
const OPERATOR = { email: 'ops@roster.example', password: 'operator passphrase 1' };
const TENANT_ADMIN = { email: 'it@acme.example', password: 'acme admin passphrase' };
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
/** The product extension URN of the seed guide's attribute table; this deployment publishes its own. */
const CYBSAFE = 'urn:ietf:params:scim:schemas:extension:cybsafe:2.0:User';
const OKTA_UA = 'Okta SCIM Client 1.0.0';

const missing = chromiumSkipReason();
if (missing && process.env.CI === 'true') {
  describe('admin console in a real browser', () => {
    it('needs Chromium under CI', () => {
      assert.fail(`FAIL: ${missing}. .ci/run installs it with apt-get; the browser tests cannot run without it.`);
    });
  });
} else if (missing) {
  console.error(`\n!! admin console browser tests SKIPPED: ${missing}\n`);
} else {
  // Test the console as it is in admin-ui/src now, not a build left over from earlier.
  const build = spawnSync(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'admin-ui', 'build.mjs')], { encoding: 'utf8' });
  assert.equal(build.status, 0, `the console did not build:\n${build.stdout}${build.stderr}`);
}

/** One person as Okta sends it (the seed guide's attribute table). */
function person(userName: string, given: string, family: string, extra: JsonObject = {}, enterprise: JsonObject = {}): JsonObject {
  return {
    schemas: [CORE, ENTERPRISE],
    userName,
    name: { givenName: given, familyName: family },
    emails: [{ value: userName, type: 'work', primary: true }],
    addresses: [{ type: 'work', country: 'GB', locality: 'London' }],
    preferredLanguage: 'en-GB',
    timezone: 'Europe/London',
    active: true,
    ...extra,
    [ENTERPRISE]: enterprise,
  };
}

for (const { engine, skip } of testEngines()) {
  describe(`admin console in Chromium on ${engine}`, { skip: missing || skip }, () => {
    let database: TestDatabase;
    let server: RosterServer;
    let base: string;
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    let page: Page;
    let token = '';
    let globexPersonId = '';
    const shots = engine === 'sqlite';

    const shoot = async (name: string) => {
      if (!shots) return;
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    };
    const scim = async (method: string, path: string, body?: JsonObject, bearer = token, ua = OKTA_UA) => {
      const response = await fetch(`${base}/scim/v2${path}`, {
        method,
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/scim+json', 'user-agent': ua },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as JsonObject };
    };
    const heading = async () => (await page.locator('h1').first().textContent())?.trim();
    const nav = async (label: string) => {
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: label }).click();
      await page.waitForLoadState('networkidle');
    };

    before(async () => {
      database = await createTestDatabase(engine);
      const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: database.url, DB_POOL_SIZE: '4', PORT: '0', HOST: '127.0.0.1', ACTIVITY_FLUSH_MS: '200' });
      server = await createServer(config);
      base = (await server.listen()).replace('[::1]', '127.0.0.1');
      await createTenant(server.rt, { slug: 'acme', name: 'Acme Corp' });
      const globex = await createTenant(server.rt, { slug: 'globex', name: 'Globex' });
      await createAdmin(server.rt, OPERATOR);
      await createAdmin(server.rt, { ...TENANT_ADMIN, tenantSlug: 'acme' });
      // Globex has data of its own, which acme's admin must never see.
      const globexToken = (await issueCredential(server.rt, globex.id, 'bearer', 'Globex Okta')).secret;
      const created = await scim('POST', '/Users', person('hank.scorpio@globex.example', 'Hank', 'Scorpio'), globexToken);
      assert.equal(created.status, 201);
      globexPersonId = String(created.body['id']);
      browser = await launchChromium();
      page = await browser.context.newPage();
      page.setDefaultTimeout(10_000);
    });

    after(async () => {
      await browser?.close();
      await server?.close();
      await database?.dispose();
    });

    it('signs an operator in with the keyboard and shows the tenant picker', async () => {
      await page.goto(`${base}/admin/`);
      await page.waitForURL(/\/admin\/sign-in/);
      assert.equal(await heading(), 'Sign in to the admin console');
      await shoot('01-sign-in');
      await page.getByLabel('Email').fill(OPERATOR.email);
      await page.getByLabel('Password').fill('not the password');
      await page.getByLabel('Password').press('Enter');
      await page.getByRole('alert').getByText('do not match').waitFor();
      await page.getByLabel('Password').fill(OPERATOR.password);
      await page.getByLabel('Password').press('Enter');
      await page.waitForURL(/\/admin\/tenants$/);
      assert.equal(await heading(), 'Tenants');
      const rows = page.locator('table.data tbody tr');
      assert.equal(await rows.count(), 2);
      assert.match((await rows.first().textContent()) ?? '', /Acme Corp.*never.*never/);
      await shoot('02-tenants');
      // The console's pages carry the security headers.
      const response = await page.request.get(`${base}/admin/tenants`);
      assert.match(response.headers()['content-security-policy'] ?? '', /frame-ancestors 'none'/);
      assert.equal(response.headers()['x-content-type-options'], 'nosniff');
      assert.equal(response.headers()['referrer-policy'], 'no-referrer');
    });

    it('says what to do next while nothing has been provisioned', async () => {
      await page.getByRole('link', { name: 'Acme Corp', exact: true }).click();
      await page.waitForURL(/\/admin\/t\/acme\/people$/);
      await page.getByText('No people yet.').waitFor();
      await nav('Provisioning log');
      await page.getByText("No SCIM request yet — paste this URL and token into Okta's API integration").waitFor();
      await nav('User provisioning');
      assert.equal(await page.locator('#last-request').textContent(), 'never');
      assert.equal(await page.locator('#last-change').textContent(), 'never');
      await page.getByText('No tokens yet.').waitFor();
      assert.equal(await page.getByRole('textbox', { name: 'SCIM base URL', exact: true }).inputValue(), `${base}/scim/v2/`);
      assert.equal(await page.getByRole('textbox', { name: 'Tenant-specific SCIM URL' }).inputValue(), `${base}/t/acme/scim/v2/`);
      await shoot('03-provisioning-before-first-request');
    });

    it('generates a token in the console, shown once with a warning', async () => {
      await page.getByLabel('Label').fill('Okta production');
      await page.getByRole('button', { name: 'Generate token' }).click();
      const secret = page.locator('#issued-token');
      await secret.waitFor();
      token = await secret.inputValue();
      assert.match(token, /^rst_[0-9a-f]{16}[A-Za-z0-9_-]{43}$/);
      await page.getByText('Copy your new token now').waitFor();
      await page.locator('#announcer', { hasText: 'Token generated' }).waitFor({ state: 'attached' });
      await page.getByRole('button', { name: 'Copy Token' }).click();
      await page.locator('#announcer', { hasText: 'copied' }).waitFor({ state: 'attached' });
      await shoot('04-token-generated');
      // Listed with its label, never with its secret.
      const listed = (await page.locator('#credential-list').textContent()) ?? '';
      assert.match(listed, /Okta production/);
      assert.equal(listed.includes(token), false);
    });

    it('uses that token for real SCIM requests from the test', async () => {
      // Okta's existence check, then an initial sync where reports arrive before their manager.
      assert.equal((await scim('GET', '/Users?filter=userName%20eq%20%22ada.lovelace%40acme.example%22&startIndex=1&count=100')).status, 200);
      const ada = await scim(
        'POST',
        '/Users',
        person(
          'ada.lovelace@acme.example',
          'Ada',
          'Lovelace',
          { title: 'Principal Engineer', externalId: 'okta-00u1ada' },
          {
            department: 'Engineering',
            division: 'Product',
            organization: 'Acme Corp',
            employeeNumber: 'E-1001',
            costCenter: 'CC-42',
            manager: { value: 'grace.hopper@acme.example' },
            businessUnit: 'Analytical Engines',
          },
        ),
      );
      assert.equal(ada.status, 201, JSON.stringify(ada.body));
      const adaId = String(ada.body['id']);
      const others: [string, string, string, JsonObject, JsonObject][] = [
        // Another product's extension URN (the seed guide's), and a department outside its namespace: both ignored and noted.
        [
          'alan.turing@acme.example',
          'Alan',
          'Turing',
          { title: 'Staff Engineer', [CYBSAFE]: { office: 'Bletchley Park', grade: 'B' } },
          { department: 'Engineering', division: 'Product', manager: { value: 'ada.lovelace@acme.example' } },
        ],
        [
          'katherine.johnson@acme.example',
          'Katherine',
          'Johnson',
          { title: 'Data Scientist', Department: 'Finance' },
          { department: 'Engineering', division: 'Research', manager: { value: 'ada.lovelace@acme.example' } },
        ],
        ['mary.jackson@acme.example', 'Mary', 'Jackson', { title: 'Account Executive' }, { department: 'Sales', division: 'Commercial' }],
        ['dorothy.vaughan@acme.example', 'Dorothy', 'Vaughan', { title: 'Finance Lead' }, { department: 'Finance', division: 'Operations' }],
        ['edsger.dijkstra@acme.example', 'Edsger', 'Dijkstra', { title: 'Counsel' }, { department: 'Legal', division: 'Operations', manager: { value: 'E-9999' } }],
        ['grace.hopper@acme.example', 'Grace', 'Hopper', { title: 'VP Engineering' }, { department: 'Engineering', division: 'Product', employeeNumber: 'E-1000' }],
        ['a.lovelace@acme.example', 'Ada', 'Lovelace', { title: 'Contractor' }, { department: 'Sales', division: 'Commercial' }],
      ];
      const ids = new Map<string, string>([['ada', adaId]]);
      for (const [userName, given, family, extra, enterprise] of others) {
        const created = await scim('POST', '/Users', person(userName, given, family, extra, enterprise));
        assert.equal(created.status, 201, JSON.stringify(created.body));
        ids.set(userName.split('.')[0]!, String(created.body['id']));
      }
      // An incomplete profile (no country, no language), a hire date kept as sent and flagged (the
      // default value rules), and a userName clash, which is refused and writes nothing.
      const linus = await scim('POST', '/Users', {
        schemas: [CORE],
        userName: 'linus@acme.example',
        name: { givenName: 'Linus', familyName: 'Torvalds' },
        emails: [{ value: 'linus@acme.example', type: 'work' }],
        active: true,
      });
      assert.equal(linus.status, 201);
      const odd = await scim(
        'POST',
        '/Users',
        person('bad.date@acme.example', 'Bad', 'Date', { 'urn:ietf:params:scim:schemas:extension:roster:2.0:User': { hireDate: '31/12/2024' } }),
      );
      assert.equal(odd.status, 201, JSON.stringify(odd.body));
      const clash = await scim('POST', '/Users', { schemas: [CORE], userName: 'linus@acme.example' });
      assert.equal(clash.status, 409);
      // Deactivation (Okta) and a department change that empties the Legal folder.
      assert.equal(
        (
          await scim('PATCH', `/Users/${ids.get('mary')}`, {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [{ op: 'replace', value: { active: false } }],
          })
        ).status,
        200,
      );
      const moved = await scim(
        'PATCH',
        `/Users/${ids.get('edsger')}`,
        {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Finance' }],
        },
        token,
        'Azure AD SCIM Client',
      );
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      // Pushed groups.
      const members = (...names: string[]) => names.map((n) => ({ value: ids.get(n)! }));
      assert.equal(
        (
          await scim('POST', '/Groups', {
            schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
            displayName: 'Engineering leads',
            externalId: 'okta-00g1eng',
            members: members('ada', 'grace'),
          })
        ).status,
        201,
      );
      assert.equal(
        (
          await scim('POST', '/Groups', {
            schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
            displayName: 'All staff',
            members: members('ada', 'alan', 'katherine', 'mary', 'dorothy', 'edsger', 'grace'),
          })
        ).status,
        201,
      );
      assert.equal((await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Security champions' })).status, 201);
    });

    it('shows the person in People overview, searchable and filterable', async () => {
      await nav('People overview');
      await page.getByRole('link', { name: 'Ada Lovelace' }).first().waitFor();
      assert.match((await page.locator('#people').textContent()) ?? '', /ada\.lovelace@acme\.example/);
      await shoot('05-people-overview');
      await page.getByLabel('Search').fill('ada.love');
      await page.getByLabel('Search').press('Enter');
      await page.waitForURL(/q=ada\.love/);
      await page.getByRole('heading', { name: '1 matching' }).waitFor();
      assert.equal(await page.locator('table.data tbody tr').count(), 1);
      await page.getByRole('link', { name: 'Clear' }).click();
      await page.getByLabel('Profile').selectOption('true');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/incomplete=true/);
      await page.getByRole('heading', { name: '1 matching' }).waitFor();
      assert.match((await page.locator('table.data tbody').textContent()) ?? '', /linus@acme\.example/);
      assert.equal(await page.locator('table.data tbody tr').count(), 1);
      await page.getByLabel('Profile').selectOption('');
      await page.getByLabel('Status').selectOption('inactive');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/status=inactive/);
      await page.getByRole('heading', { name: '1 matching' }).waitFor();
      assert.match((await page.locator('table.data tbody').textContent()) ?? '', /mary\.jackson/);
    });

    it('orders People overview from a column header, and reverses it on a second click', async () => {
      await page.goto(`${base}/admin/t/acme/people`);
      const nameHeader = page.locator('table.data th', { has: page.locator('button[data-sort="name"]') });
      await nameHeader.waitFor();
      assert.equal(await nameHeader.getAttribute('aria-sort'), 'none');
      const names = () => page.locator('table.data tbody tr td:first-child a').allTextContents();
      await nameHeader.locator('button[data-sort="name"]').click();
      await page.waitForURL(/sort=name/);
      await page.locator('table.data th[aria-sort="ascending"] button[data-sort="name"]').waitFor();
      const ascending = await names();
      await page.locator('table.data th button[data-sort="name"]').click();
      await page.waitForURL(/sort=-name/);
      await page.locator('table.data th[aria-sort="descending"] button[data-sort="name"]').waitFor();
      const descending = await names();
      assert.ok(ascending.length > 1);
      assert.notDeepEqual(ascending, descending, 'the order changed');
      // Every person fits on one page and ties fall back to the id in the same direction: an exact reversal.
      assert.deepEqual(descending, [...ascending].reverse());
    });

    it("shows a person's attributes, groups, folders, manager, reports and SCIM history", async () => {
      await page.goto(`${base}/admin/t/acme/people?q=ada.lovelace`);
      await page.getByRole('link', { name: 'Ada Lovelace' }).click();
      await page.waitForURL(/\/people\/[0-9a-f-]{36}$/);
      assert.equal(await heading(), 'Ada Lovelace');
      const text = (await page.locator('main').textContent()) ?? '';
      for (const expected of [
        'Principal Engineer',
        'E-1001',
        'CC-42',
        'Engineering leads',
        'All staff',
        'Department: Engineering',
        'Grace Hopper',
        'Alan Turing',
        'Katherine Johnson',
        'SCIM history',
      ]) {
        assert.ok(text.includes(expected), `person page shows ${expected}`);
      }
      assert.match(
        text,
        /Ignored\S*:businessUnit — not an attribute of this schema\. Did you mean urn:ietf:params:scim:schemas:extension:roster:2\.0:User:businessUnit\?/,
      );
      await shoot('06-person');
      await page.goto(`${base}/admin/t/acme/people?q=bad.date`);
      await page.getByRole('link', { name: 'Bad Date' }).click();
      await page.locator('#values-to-check').waitFor();
      const flags = (await page.locator('#values-to-check').textContent()) ?? '';
      assert.match(flags, /Values to check/);
      assert.match(flags, /urn:ietf:params:scim:schemas:extension:roster:2\.0:User:hireDate\s*"31\/12\/2024"\s*— expected a real date as yyyy-MM-dd/);
    });

    it('shows pushed groups and folders with member counts, and empty folders say so', async () => {
      await nav('Group management');
      // The console changes pages without a navigation, so the load state is already reached:
      // wait for the page itself (it renders once both its reads are answered), not for the network.
      await page.locator('main #folders').waitFor();
      const text = (await page.locator('main').textContent()) ?? '';
      assert.match(text, /Engineering leads\s*2/);
      assert.match(text, /All staff\s*7/);
      assert.match(text, /Security champions\s*Empty/);
      assert.match(text, /Legal\s*Empty/);
      await shoot('07-group-management');
      await page.getByRole('link', { name: 'All staff' }).click();
      await page.getByRole('heading', { name: 'Members · 7' }).waitFor();
      await shoot('08-group');
      await nav('Group management');
      await page.getByRole('link', { name: 'Legal' }).click();
      await page.getByText('This folder is empty.').waitFor();
      await nav('Group management');
      await page.getByRole('link', { name: 'Engineering', exact: true }).click();
      await page.getByRole('heading', { name: /Members · 4/ }).waitFor();
      await shoot('09-folder');
    });

    it('lists pending references and possible duplicates', async () => {
      await nav('Pending references');
      await page.getByText('E-9999').waitFor();
      await shoot('10-pending-references');
      await nav('Possible duplicates');
      await page.getByRole('heading', { name: /Same name: ada lovelace/i }).waitFor();
      await page.getByText(/^\d+ sets? of possible duplicates$/).waitFor();
      await shoot('11-possible-duplicates');
      // The decision is remembered: the set is gone after the page reloads its list.
      await page.getByRole('button', { name: /^Not a duplicate: Ada Lovelace, Ada Lovelace$/ }).click();
      await page.getByRole('heading', { name: /Same name: ada lovelace/i }).waitFor({ state: 'detached' });
    });

    it('shows every request in the provisioning log, searchable, with what was ignored and why', async () => {
      await nav('Provisioning log');
      const log = page.locator('#log-results');
      await log.waitFor();
      const text = (await log.textContent()) ?? '';
      assert.match(text, /POST\s*\/scim\/v2\/Users/);
      assert.match(text, /Okta SCIM Client 1\.0\.0/);
      assert.match(text, /via Okta production/);
      assert.match(text, /businessUnit/);
      assert.match(text, /Did you mean/);
      assert.match(text, /entra-capitalised-op/);
      assert.match(text, /IgnoredDepartment — not a core User attribute\. Did you mean urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User:department\?/);
      assert.match(
        text,
        /Ignoredurn:ietf:params:scim:schemas:extension:cybsafe:2\.0:User — unknown schema; its attributes office, grade are attributes of urn:ietf:params:scim:schemas:extension:roster:2\.0:User\. Did you mean that schema URN\?/,
      );
      assert.equal(text.includes(token), false, 'credentials are never shown');
      await shoot('12-provisioning-log');
      await page.getByLabel('Result').selectOption('error');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/status=error/);
      await page.locator('#log-results').getByText('already taken').first().waitFor();
      assert.equal(await page.locator('#log-results tbody tr').count(), 1);
      assert.match((await page.locator('#log-results').textContent()) ?? '', /userName "linus@acme\.example" is already taken/);
    });

    it('shows Last SCIM request / change and last use, then revokes the token: SCIM answers 401', async () => {
      await nav('User provisioning');
      assert.notEqual(await page.locator('#last-request').textContent(), 'never');
      assert.notEqual(await page.locator('#last-change').textContent(), 'never');
      const row = page.locator('#credential-list tbody tr', { hasText: 'Okta production' });
      assert.doesNotMatch((await row.textContent()) ?? '', /never/);
      await shoot('13-user-provisioning');
      await page.getByRole('button', { name: 'Revoke Okta production' }).click();
      await page.getByRole('button', { name: 'Confirm: revoke Okta production' }).click();
      await row.getByText('Revoked').waitFor();
      assert.equal((await scim('GET', '/Users')).status, 401);
    });

    it('signs out', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/admin\/sign-in/);
      const after = await page.request.get(`${base}/admin/api/v1/tenants`);
      assert.equal(after.status(), 401);
    });

    it('keeps a tenant admin inside their own tenant, in the UI and through the API', async () => {
      const other = await launchChromium();
      try {
        const admin = await other.context.newPage();
        await admin.goto(`${base}/admin/`);
        await admin.getByLabel('Email').fill(TENANT_ADMIN.email);
        await admin.getByLabel('Password').fill(TENANT_ADMIN.password);
        await admin.getByRole('button', { name: 'Sign in' }).click();
        await admin.waitForURL(/\/admin\/t\/acme\/people$/);
        assert.equal(await admin.getByRole('link', { name: 'All tenants' }).count(), 0, 'no tenant picker');
        await admin.goto(`${base}/admin/t/globex/people`);
        await admin.getByRole('heading', { name: 'Tenant not found' }).waitFor();
        assert.equal(((await admin.locator('body').textContent()) ?? '').includes('Hank'), false);
        if (shots) await admin.screenshot({ path: join(SCREENSHOTS, '14-tenant-admin-other-tenant.png'), fullPage: true });
        await admin.goto(`${base}/admin/tenants`);
        await admin.getByRole('heading', { name: '1 tenant' }).waitFor();
        assert.equal(await admin.locator('table.data tbody tr').count(), 1);
        const api = async (path: string) => (await admin.request.get(`${base}/admin/api/v1${path}`)).status();
        assert.equal(await api('/tenants/globex'), 404);
        assert.equal(await api('/tenants/globex/people'), 404);
        assert.equal(await api(`/tenants/globex/people/${globexPersonId}`), 404);
        assert.equal(await api(`/tenants/acme/people/${globexPersonId}`), 404);
        assert.equal(await api('/tenants/globex/log'), 404);
        assert.equal(await api('/tenants/acme/people'), 200);
      } finally {
        await other.close();
      }
    });
  });
}

// The console mounted in a host's Fastify app under a prefix: its page, assets, API calls, own
// links and session cookie all stay under the prefix, and a reload keeps the session.
describe('admin console mounted in a host under /scim-service, in Chromium', { skip: missing }, () => {
  let database: TestDatabase;
  let host: FastifyInstance;
  let origin: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;

  before(async () => {
    database = await createTestDatabase('sqlite');
    host = Fastify();
    await host.register(rosterPlugin, { prefix: '/scim-service', database: database.url, settings: { LOG_LEVEL: 'silent' } });
    origin = (await host.listen({ port: 0, host: '127.0.0.1' })).replace('[::1]', '127.0.0.1');
    await host.roster.createTenant({ slug: 'acme', name: 'Acme Corp' });
    await host.roster.createTenant({ slug: 'globex', name: 'Globex' });
    await host.roster.createConsoleAdmin(OPERATOR);
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
  });
  after(async () => {
    await browser?.close();
    await host?.close();
    await database?.dispose();
  });

  it('signs in, navigates and survives a reload without leaving the prefix', async () => {
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!new URL(request.url()).pathname.startsWith('/scim-service/')) outside.push(request.url());
    });
    await page.goto(`${origin}/scim-service/admin/`);
    await page.waitForURL(/\/scim-service\/admin\/sign-in/);
    await page.getByLabel('Email').fill(OPERATOR.email);
    await page.getByLabel('Password').fill(OPERATOR.password);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL(/\/scim-service\/admin\/tenants$/);
    await page.getByRole('link', { name: 'Acme Corp', exact: true }).click();
    await page.waitForURL(/\/scim-service\/admin\/t\/acme\/people$/);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'User provisioning' }).click();
    await page.waitForURL(/\/scim-service\/admin\/t\/acme\/provisioning$/);
    assert.equal(await page.getByRole('textbox', { name: 'SCIM base URL', exact: true }).inputValue(), `${origin}/scim-service/scim/v2/`);

    await page.reload();
    await page.getByRole('textbox', { name: 'SCIM base URL', exact: true }).waitFor();
    assert.match(page.url(), /\/scim-service\/admin\/t\/acme\/provisioning$/);
    // The session cookie goes to the console under the prefix, and nowhere else on the host.
    const cookies = await browser.context.cookies(`${origin}/scim-service/admin/`);
    assert.deepEqual(
      cookies.map((c) => [c.name, c.path]),
      [['roster_admin', '/scim-service/admin']],
    );
    assert.deepEqual(await browser.context.cookies(`${origin}/`), []);
    assert.deepEqual(outside, [], 'every request the console made stayed under the prefix');
  });
});
