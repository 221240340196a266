/**
 * Every console page in Chromium, checked the same way: axe-core finds no serious or critical
 * accessibility violation (decision 0018), on a wide screen and on a phone 390 px wide, where the
 * navigation folds behind a Menu button and no page is wider than the screen. Also the Held
 * changes page end to end: a held deactivation approved and a held deletion discarded, each after
 * a second click.
 *
 * On SQLite only: what is checked here is the DOM the console builds, which the database engine
 * does not change (console.test.ts and the admin API tests run on both engines).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { createServer, type RosterServer } from '../../src/app/create-server.js';
import { loadConfig } from '../../src/config/config.js';
import type { JsonObject } from '../../src/json/json-value.js';
import { GUIDE_IDPS } from '../../src/guides/guides.js';
import { createAdmin } from '../../src/provisioning/admins/manage-admins.js';
import { issuePasswordReset, resetLink } from '../../src/provisioning/admins/password-reset.js';
import { issueCredential } from '../../src/provisioning/credentials/manage-credentials.js';
import { createSetupLink } from '../../src/provisioning/setup/setup-links.js';
import { createTenant } from '../../src/provisioning/tenants/manage-tenants.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/databases.js';
import { chromiumSkipReason, launchChromium } from './chromium.js';

const OPERATOR = { email: 'ops@roster.example', password: 'operator passphrase 1' };
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const PHONE = { width: 390, height: 844 };
const WIDE = { width: 1440, height: 900 };
/** axe-core's built file, evaluated in the page (an injected script tag would meet the console's CSP). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const missing = chromiumSkipReason();
if (missing && process.env.CI === 'true') {
  describe('every console page in a real browser', () => {
    it('needs Chromium under CI', () => {
      assert.fail(`FAIL: ${missing}. .ci/run installs it with apt-get; the browser tests cannot run without it.`);
    });
  });
} else if (missing) {
  console.error(`\n!! every-page browser tests SKIPPED: ${missing}\n`);
} else {
  const build = spawnSync(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'admin-ui', 'build.mjs')], { encoding: 'utf8' });
  assert.equal(build.status, 0, `the console did not build:\n${build.stdout}${build.stderr}`);
}

/** Serious and critical violations on the page as it is now, one line each with where. */
async function axeViolations(page: Page): Promise<string[]> {
  // Browser-side code is passed as text: the tests are type-checked without the DOM's types.
  if (!(await page.evaluate<boolean>("typeof window.axe === 'object'"))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate<AxeResults>("window.axe.run(document, { resultTypes: ['violations'] })");
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — at ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
}

/** The page's width, and the elements sticking out past the screen's edge when it is too wide. */
function overflow(page: Page): Promise<{ width: number; culprits: string[] }> {
  return page.evaluate(`(() => {
    const culprits = [];
    for (const element of document.querySelectorAll('body *')) {
      const box = element.getBoundingClientRect();
      if (box.right > ${PHONE.width} + 0.5 && box.width > 0) culprits.push(element.tagName.toLowerCase() + '.' + (element.getAttribute('class') || '') + ' right=' + Math.round(box.right));
      if (culprits.length >= 6) break;
    }
    return { width: document.documentElement.scrollWidth, culprits };
  })()`);
}

/** The smallest font size of visible text on the page, in CSS pixels. */
function smallestText(page: Page): Promise<number> {
  return page.evaluate(`(() => {
    let smallest = Infinity;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || !node.textContent.trim() || parent.closest('.visually-hidden, .skip-link, [hidden]')) continue;
      const box = parent.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      smallest = Math.min(smallest, parseFloat(getComputedStyle(parent).fontSize));
    }
    return smallest;
  })()`);
}

const person = (userName: string, given: string, family: string, enterprise: JsonObject = {}, extra: JsonObject = {}): JsonObject => ({
  schemas: [CORE, ENTERPRISE],
  userName,
  name: { givenName: given, familyName: family },
  emails: [{ value: userName, type: 'work', primary: true }],
  active: true,
  ...extra,
  [ENTERPRISE]: enterprise,
});

describe('every console page in Chromium: axe-core, and a phone 390 px wide', { skip: missing }, () => {
  let database: TestDatabase;
  let server: RosterServer;
  let base: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let token = '';
  let setupUrl = '';
  const ids = new Map<string, string>();

  const scim = async (method: string, path: string, body?: JsonObject) => {
    const response = await fetch(`${base}/scim/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', 'user-agent': 'Okta SCIM Client 1.0.0' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as JsonObject };
  };
  const adminApi = async (path: string) => (await (await page.request.get(`${base}/admin/api/v1${path}`)).json()) as JsonObject;

  /** A console page once it has painted: its heading, no loading placeholder, nothing in flight. */
  const settled = async (ready?: string) => {
    await page.locator('#page-title').waitFor();
    await page.locator('main .loading').waitFor({ state: 'detached' });
    if (ready) await page.locator(ready).first().waitFor();
    await page.waitForLoadState('networkidle');
  };

  /** The signed-in pages, each with what shows it has its content. */
  const pages = async (): Promise<{ name: string; path: string; ready?: string }[]> => {
    const groups = (await adminApi('/tenants/acme/groups')).groups as JsonObject[];
    const folders = (await adminApi('/tenants/acme/folders')).folders as JsonObject[];
    const group = groups.find((g) => g['displayName'] === 'All staff')!;
    const folder = folders.find((f) => f['value'] === 'Engineering')!;
    return [
      { name: 'tenants', path: '/admin/tenants', ready: 'table.data' },
      { name: 'admins', path: '/admin/admins', ready: '#admin-list table.data' },
      { name: 'people', path: '/admin/t/acme/people', ready: '#people table.data' },
      { name: 'person', path: `/admin/t/acme/people/${ids.get('long')!}`, ready: '.facts' },
      { name: 'groups', path: '/admin/t/acme/groups', ready: 'table.data' },
      { name: 'group', path: `/admin/t/acme/groups/${String(group['id'])}`, ready: 'table.data' },
      { name: 'folder', path: `/admin/t/acme/folders/${String(folder['id'])}`, ready: 'table.data' },
      { name: 'pending references', path: '/admin/t/acme/pending', ready: 'table.data' },
      { name: 'possible duplicates', path: '/admin/t/acme/duplicates', ready: 'main h2' },
      { name: 'held changes', path: '/admin/t/acme/held', ready: '#held-changes table.data' },
      { name: 'user provisioning', path: '/admin/t/acme/provisioning', ready: '#credential-list' },
      // Every IdP's guide: their code blocks and mapping tables differ in width.
      ...GUIDE_IDPS.map((idp) => ({ name: `guided setup for ${idp}`, path: `/admin/t/acme/setup?idp=${idp}`, ready: '.guide-step' })),
      { name: 'provisioning log', path: '/admin/t/acme/log', ready: '#log-results table.data' },
    ];
  };

  /** Opens a page and answers what is wrong with it: axe's findings, and at phone width its overflow. */
  const check = async (name: string, path: string | null, ready?: string): Promise<string[]> => {
    if (path) await page.goto(`${base}${path}`);
    await settled(ready);
    const problems = (await axeViolations(page)).map((v) => `${name}: ${v}`);
    if (page.viewportSize()?.width === PHONE.width) {
      const { width, culprits } = await overflow(page);
      if (width > PHONE.width) problems.push(`${name}: ${width} px wide on a ${PHONE.width} px screen (${culprits.join(', ')})`);
      const smallest = await smallestText(page);
      if (smallest < 11) problems.push(`${name}: text at ${smallest} px`);
    }
    return problems;
  };

  before(async () => {
    database = await createTestDatabase('sqlite');
    server = await createServer(loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: database.url, DB_POOL_SIZE: '4', PORT: '0', HOST: '127.0.0.1' }));
    base = (await server.listen()).replace('[::1]', '127.0.0.1');
    const acme = await createTenant(server.rt, { slug: 'acme', name: 'Acme Corporation International Holdings' });
    await createAdmin(server.rt, OPERATOR);
    token = (await issueCredential(server.rt, acme.id, 'bearer', 'Okta production')).secret;
    setupUrl = `${base}/admin/setup/${(await createSetupLink(server.rt, { tenantId: acme.id, idp: 'okta', createdBy: 'test' })).token}`;

    // Long names and addresses, as real directories have them: the phone layout must wrap them.
    const long = await scim(
      'POST',
      '/Users',
      person(
        'maximilian.featherstonehaugh-worthington@subsidiary-with-a-long-name.example',
        'Maximilian',
        'Featherstonehaugh-Worthington',
        { department: 'Engineering', manager: { value: 'E-404' } },
        { title: 'Principal Distributed Systems Engineer' },
      ),
    );
    assert.equal(long.status, 201, JSON.stringify(long.body));
    ids.set('long', String(long.body['id']));
    for (const [key, userName, given, family] of [
      ['ada', 'ada@acme.example', 'Ada', 'Lovelace'],
      ['ada2', 'a.lovelace@acme.example', 'Ada', 'Lovelace'],
    ] as const) {
      const created = await scim('POST', '/Users', person(userName, given, family, { department: 'Engineering' }, { Department: 'ignored' }));
      assert.equal(created.status, 201);
      ids.set(key, String(created.body['id']));
    }
    // 30 people: the guard's default limit is 20% within 10 minutes, so the 7th removal is held.
    for (let i = 0; i < 30; i++) {
      const created = await scim('POST', '/Users', person(`staff${i}@acme.example`, `Staff${i}`, 'Member', { department: i % 2 ? 'Sales' : 'Engineering' }));
      assert.equal(created.status, 201);
      ids.set(`staff${i}`, String(created.body['id']));
    }
    assert.equal((await scim('POST', '/Users', { schemas: [CORE], userName: 'ada@acme.example' })).status, 409);
    const all = [...ids.values()].slice(0, 10).map((value) => ({ value }));
    assert.equal((await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'All staff', members: all })).status, 201);
    const deactivate = { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] };
    for (let i = 0; i < 6; i++) assert.equal((await scim('PATCH', `/Users/${ids.get(`staff${i}`)!}`, deactivate)).status, 200);
    assert.equal((await scim('PATCH', `/Users/${ids.get('staff6')!}`, deactivate)).status, 202);
    assert.equal((await scim('DELETE', `/Users/${ids.get('staff7')!}`)).status, 202);

    browser = await launchChromium();
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await database?.dispose();
  });

  it('the sign-in page passes axe, wide and on a phone', async () => {
    const problems: string[] = [];
    for (const size of [WIDE, PHONE]) {
      await page.setViewportSize(size);
      problems.push(...(await check(`sign-in at ${size.width} px`, '/admin/sign-in')));
    }
    assert.deepEqual(problems, []);
    await page.setViewportSize(WIDE);
    await page.getByLabel('Email').fill(OPERATOR.email);
    await page.getByLabel('Password').fill(OPERATOR.password);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL(/\/admin\/(tenants|t\/acme\/people)$/);
  });

  it('every signed-in page passes axe on a wide screen', async () => {
    await page.setViewportSize(WIDE);
    const problems: string[] = [];
    for (const { name, path, ready } of await pages()) problems.push(...(await check(name, path, ready)));
    assert.deepEqual(problems, []);
  });

  it("shows each tenant's health: a badge on the tenants list, in full on User provisioning", async () => {
    await page.setViewportSize(WIDE);
    await page.goto(`${base}/admin/tenants`);
    await settled('table.data');
    const row = page.locator('table.data tbody tr', { hasText: 'Acme Corporation' });
    await row.getByText('Needs a look').waitFor();
    assert.match((await row.getByText('Needs a look').getAttribute('title')) ?? '', /2 changes held by the mass-change guard wait for an admin/);
    await page.goto(`${base}/admin/t/acme/provisioning`);
    await settled('#health');
    const health = (await page.locator('#health').textContent()) ?? '';
    assert.match(health, /Health: Needs a look/);
    assert.match(health, /1 of the last \d+ requests failed/);
    assert.match(health, /POST \/scim\/v2\/Users → 409/);
    await page.locator('#health').getByRole('link', { name: '2 waiting for a decision' }).click();
    await page.waitForURL(/\/admin\/t\/acme\/held$/);
  });

  it('exports the people the filters match as CSV from People overview', async () => {
    await page.setViewportSize(WIDE);
    await page.goto(`${base}/admin/t/acme/people?status=inactive`);
    await settled('#people table.data');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    assert.equal(download.suggestedFilename(), 'acme-people.csv');
    const lines = readFileSync((await download.path())!, 'utf8')
      .trimEnd()
      .split('\r\n');
    assert.equal(lines[0], 'id,userName,name,email,title,department,status,source,missing,createdAt,modifiedAt');
    // Six deactivated by SCIM; the held seventh is still active.
    assert.deepEqual(
      lines
        .slice(1)
        .map((l) => l.split(',')[1])
        .sort(),
      [0, 1, 2, 3, 4, 5].map((i) => `staff${i}@acme.example`).sort(),
    );
  });

  it("filters the provisioning log and opens an entry's detail: before/after and redacted bodies, wide and on a phone", async () => {
    const problems: string[] = [];
    for (const size of [WIDE, PHONE]) {
      await page.setViewportSize(size);
      await page.goto(`${base}/admin/t/acme/log`);
      await settled('#log-results table.data');
      // The filter form puts each control's value in the address, and the list follows it.
      await page.locator('#log-event').selectOption('user.deactivated');
      await page.getByLabel('Person').fill(ids.get('staff0')!);
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/event=user\.deactivated/);
      await settled('#log-results table.data');
      assert.match(page.url(), new RegExp(`person=${ids.get('staff0')!}`));
      assert.equal(await page.locator('#log-results .log-detail').count(), 1, 'one entry (a detail each)');
      await page.locator('.log-detail summary').first().click();
      await page.locator('.log-body pre').first().waitFor();
      const detail = page.locator('.log-detail').first();
      assert.match(String(await detail.textContent()), /active[\s\S]*false/);
      assert.match(String(await detail.locator('.log-body pre').first().textContent()), /"active":false/);
      problems.push(...(await check(`provisioning log detail at ${size.width} px`, null, '.log-body pre')));
      // A search that finds an ignored attribute by its name (the people were sent `Department`).
      await page.goto(`${base}/admin/t/acme/log?q=department`);
      await settled('#log-results table.data');
      assert.ok((await page.locator('#log-results .log-detail').count()) >= 2);
    }
    assert.deepEqual(problems, []);
  });

  it('on a phone the navigation folds behind a Menu button that opens it', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${base}/admin/t/acme/people`);
    await settled('#people table.data');
    const menu = page.getByRole('button', { name: 'Menu' });
    const nav = page.getByRole('navigation', { name: 'Console' });
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    assert.equal(await nav.isVisible(), false, 'folded away');
    await menu.click();
    assert.equal(await menu.getAttribute('aria-expanded'), 'true');
    await nav.getByRole('link', { name: 'Held changes' }).click();
    await page.waitForURL(/\/admin\/t\/acme\/held$/);
    await settled('#held-changes table.data');
    assert.equal(await nav.isVisible(), false, 'folded again on the page it led to');
    assert.equal(await page.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded'), 'false');
  });

  it('on a phone every page fits the screen, keeps its text readable and passes axe, with the menu open too', async () => {
    await page.setViewportSize(PHONE);
    const problems: string[] = [];
    for (const { name, path, ready } of await pages()) problems.push(...(await check(name, path, ready)));
    await page.getByRole('button', { name: 'Menu' }).click();
    problems.push(...(await check('provisioning log with the menu open', null)));
    assert.deepEqual(problems, []);
  });

  it('approves a held deactivation and discards a held deletion, each after a second click', async () => {
    await page.setViewportSize(WIDE);
    await page.goto(`${base}/admin/t/acme/held`);
    await settled('#held-changes table.data');
    assert.equal(await page.getByRole('heading', { name: '2 waiting for a decision' }).count(), 1);
    const rows = page.locator('#held-changes tbody tr');
    const deactivation = rows.filter({ hasText: 'staff6@acme.example' });
    assert.match((await deactivation.textContent()) ?? '', /Deactivate person.*active\s*true\s*→\s*false/);
    assert.match((await rows.filter({ hasText: 'staff7@acme.example' }).textContent()) ?? '', /Delete person.*deleted/);

    await page.getByRole('button', { name: 'Approve deactivate person staff6@acme.example' }).click();
    assert.equal((await scim('GET', `/Users/${ids.get('staff6')!}`)).body['active'], true, 'not before the second click');
    assert.deepEqual(await axeViolations(page), [], 'the page asking for the second click');
    await page.getByRole('button', { name: 'Approve now: deactivate person staff6@acme.example' }).click();
    await page.getByRole('heading', { name: '1 waiting for a decision' }).waitFor();
    await page.locator('#announcer', { hasText: 'Approved' }).waitFor({ state: 'attached' });
    assert.equal((await scim('GET', `/Users/${ids.get('staff6')!}`)).body['active'], false);

    // Cancel puts the two buttons back and changes nothing.
    await page.getByRole('button', { name: 'Discard delete person staff7@acme.example' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Discard delete person staff7@acme.example' }).click();
    await page.getByRole('button', { name: 'Discard now: delete person staff7@acme.example' }).click();
    await page.getByText('Nothing is held.').waitFor();
    assert.equal((await scim('GET', `/Users/${ids.get('staff7')!}`)).status, 200, 'the deletion was dropped');
    assert.deepEqual(await axeViolations(page), []);
  });

  it('lets an operator create a tenant, invite its admin by a one-time link, reset and remove them', async () => {
    await page.setViewportSize(WIDE);
    await page.goto(`${base}/admin/tenants`);
    await settled('table.data');
    await page.getByLabel('Slug').fill('initech');
    await page.getByLabel('Name', { exact: true }).fill('Initech');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.waitForURL(/\/admin\/t\/initech\/provisioning$/);
    await settled('#credential-list');

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Admins' }).click();
    await settled('#admin-list table.data');
    await page.getByLabel('Email').fill('peter@initech.example');
    await page.getByLabel('Manages').selectOption('initech');
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    const invite = page.locator('#invite-link');
    await invite.waitFor();
    const link = await invite.inputValue();
    assert.match(link, /\/admin\/reset-password#token=[A-Za-z0-9_-]{43}$/);
    const row = page.locator('#admin-list tbody tr', { hasText: 'peter@initech.example' });
    assert.match((await row.textContent()) ?? '', /initech.*never.*Active/);
    const state = async (url: string) =>
      ((await (await page.request.post(`${base}/admin/api/v1/password-reset/status`, { data: { token: url.split('#token=')[1] } })).json()) as { state: string }).state;
    assert.equal(await state(link), 'usable');

    await page.getByRole('button', { name: 'Reset password of peter@initech.example' }).click();
    const reset = page.locator('#reset-link');
    await reset.waitFor();
    assert.notEqual(await reset.inputValue(), link);
    assert.equal(await state(await reset.inputValue()), 'usable');
    assert.deepEqual(await axeViolations(page), []);

    await page.getByRole('button', { name: 'Remove peter@initech.example' }).click();
    assert.deepEqual(await axeViolations(page), [], 'the page asking for the second click');
    await page.getByRole('button', { name: 'Remove now: peter@initech.example' }).click();
    await row.waitFor({ state: 'detached' });
    const admins = (await adminApi('/admins')).admins as JsonObject[];
    assert.equal(
      admins.some((a) => a['email'] === 'peter@initech.example'),
      false,
    );
  });

  it("the setup link's pages and the password-reset page pass axe and fit a phone", async () => {
    await browser.context.clearCookies();
    const problems: string[] = [];
    for (const size of [WIDE, PHONE]) {
      await page.setViewportSize(size);
      // The server's own page behind the link: no console script, so no #page-title.
      await page.goto(setupUrl);
      await page.getByRole('button', { name: 'Start setup' }).waitFor();
      problems.push(...(await axeViolations(page)).map((v) => `setup link at ${size.width} px: ${v}`));
      if (size === PHONE) {
        const { width, culprits } = await overflow(page);
        if (width > PHONE.width) problems.push(`setup link: ${width} px wide (${culprits.join(', ')})`);
      }
      if (size === WIDE) {
        await page.getByRole('button', { name: 'Start setup' }).click();
        await page.waitForURL(/\/admin\/setup$/);
        problems.push(...(await check('guided setup from a link (wide)', null, '.guide-step')));
      } else {
        // The link was used up at the wide size; the session it opened is still this browser's.
        problems.push(...(await check('guided setup from a link (phone)', '/admin/setup', '.guide-step')));
      }
    }
    await browser.context.clearCookies();
    const { token: reset } = await issuePasswordReset(server.rt, OPERATOR.email, { actor: 'cli' });
    for (const size of [WIDE, PHONE]) {
      await page.setViewportSize(size);
      await page.goto(resetLink(base, reset));
      await page.getByRole('heading', { name: 'Set a new password' }).waitFor();
      problems.push(...(await check(`password reset at ${size.width} px`, null)));
    }
    assert.deepEqual(problems, []);
  });
});
