/**
 * The customer's IT admin in a real browser (Debian's Chromium driven by playwright-core), against a
 * real listening Roster on SQLite and PostgreSQL: the host product makes a setup link, the admin
 * opens it without an account, picks Okta, generates the token in place, and sees Okta's first
 * request (sent by this test) arrive on the page without reloading — then a wrong token, explained.
 * On SQLite it screenshots every IdP's guided setup: into a temporary folder, or into
 * docs/idp/screenshots/ when UPDATE_SCREENSHOTS=1.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createServer, type RosterServer } from '../../src/app/create-server.js';
import { loadConfig } from '../../src/config/config.js';
import { issueCredential } from '../../src/provisioning/credentials/manage-credentials.js';
import { issueHostKey } from '../../src/provisioning/host-keys/host-keys.js';
import { GUIDE_IDPS, guideScreenshot } from '../../src/guides/guides.js';
import { createTenant } from '../../src/provisioning/tenants/manage-tenants.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../../src/testing/databases.js';
import { chromiumSkipReason, launchChromium } from './chromium.js';

const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'idp', 'screenshots')
    : mkdtempSync(join(tmpdir(), 'roster-setup-screenshots-'));
const OKTA_UA = 'Okta SCIM Client 1.0.0';
/** Okta's first request after "Test API Credentials" (idp-behaviors §2; test/conformance/okta-replay.test.ts). */
const OKTA_FIRST = `/Users?filter=${encodeURIComponent('userName eq "jane.doe@acme.example"')}&startIndex=1&count=100`;
const IDPS = ['Okta', 'Microsoft Entra ID', 'OneLogin', 'JumpCloud', 'Google Workspace', 'PingOne', 'Another SCIM client'];

const missing = chromiumSkipReason();
if (missing && process.env.CI === 'true') {
  describe('setup links in a real browser', () => {
    it('needs Chromium under CI', () => {
      assert.fail(`FAIL: ${missing}. The browser tests cannot run without it.`);
    });
  });
} else if (missing) {
  console.error(`\n!! setup link browser tests SKIPPED: ${missing}\n`);
} else {
  const build = spawnSync(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'admin-ui', 'build.mjs')], { encoding: 'utf8' });
  assert.equal(build.status, 0, `the console did not build:\n${build.stdout}${build.stderr}`);
}

for (const { engine, skip } of testEngines()) {
  describe(`a setup link in Chromium on ${engine}`, { skip: missing || skip }, () => {
    let database: TestDatabase;
    let server: RosterServer;
    let base: string;
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    let page: Page;
    let linkUrl = '';
    let token = '';
    const shots = engine === 'sqlite';

    const shoot = async (name: string) => {
      if (!shots) return;
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    };
    const scim = async (prefix: string, path: string, bearer: string) => {
      const response = await fetch(`${base}${prefix}${path}`, { headers: { authorization: `Bearer ${bearer}`, accept: 'application/scim+json', 'user-agent': OKTA_UA } });
      await response.arrayBuffer();
      return response.status;
    };

    before(async () => {
      database = await createTestDatabase(engine);
      const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: database.url, DB_POOL_SIZE: '4', PORT: '0', HOST: '127.0.0.1' });
      server = await createServer(config);
      base = (await server.listen()).replace('[::1]', '127.0.0.1');
      await createTenant(server.rt, { slug: 'acme', name: 'Acme Corp' });
      await createTenant(server.rt, { slug: 'globex', name: 'Globex' });
      // The host product asks for the link with its host key, as its own backend would.
      const hostKey = (await issueHostKey(server.rt, { label: 'Acme HR backend' })).secret;
      const response = await fetch(`${base}/host/v1/tenants/acme/setup-links`, {
        method: 'POST',
        headers: { authorization: `Bearer ${hostKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ idp: 'okta', expiresIn: '7d', singleUse: true, productName: 'Acme HR', accent: '#0f766e', returnUrl: 'https://hr.example/settings' }),
      });
      assert.equal(response.status, 201);
      linkUrl = String(((await response.json()) as { url: string }).url);
      browser = await launchChromium();
      page = await browser.context.newPage();
      page.setDefaultTimeout(10_000);
    });

    after(async () => {
      await browser?.close();
      await server?.close();
      await database?.dispose();
    });

    it('opens without a Roster account and lands on the guided setup of its IdP', async () => {
      await page.goto(linkUrl);
      await page.getByRole('heading', { name: 'Set up user provisioning for Acme HR' }).waitFor();
      await shoot('00-setup-link');
      await page.getByRole('button', { name: 'Start setup' }).click();
      await page.waitForURL(/\/admin\/setup$/);
      await page.getByRole('heading', { level: 1, name: 'Set up user provisioning for Acme HR' }).waitFor();
      await page.getByRole('heading', { name: 'Set up user provisioning from Okta' }).waitFor();
      assert.equal(await page.getByRole('textbox', { name: 'SCIM base URL', exact: true }).inputValue(), `${base}/scim/v2/`);
      assert.equal(await page.getByRole('link', { name: 'Okta' }).getAttribute('aria-current'), 'step');
      // Nothing but the setup: no console navigation, and the admin API refuses the session elsewhere.
      assert.equal(await page.getByRole('navigation', { name: 'Console' }).count(), 0);
      const elsewhere = await page.evaluate(async () => (await fetch('/admin/api/v1/tenants', { credentials: 'same-origin' })).status);
      assert.equal(elsewhere, 403);
      // The link was single use: opening it again says so, as a page.
      const again = await browser.context.newPage();
      await again.goto(linkUrl);
      await again.getByRole('heading', { name: 'This setup link has already been used' }).waitFor();
      await again.close();
    });

    it("shows each IdP's guide with the tenant's values and the mapping from the schema registry", async () => {
      for (const [index, name] of IDPS.entries()) {
        await page.getByRole('link', { name, exact: true }).click();
        await page.locator('.guide-title').first().waitFor();
        await page.locator('.guide-step').first().waitFor();
        assert.equal(await page.getByRole('textbox', { name: 'SCIM base URL', exact: true }).inputValue(), `${base}/scim/v2/`);
        await page.getByRole('button', { name: 'Generate token' }).waitFor();
        await page.getByRole('region', { name: 'Connection check' }).waitFor();
        const slug = new URL(page.url()).searchParams.get('idp');
        assert.equal(slug, GUIDE_IDPS[index], `${name} is the ${index + 1}. guide`);
        // The name docs/idp/<idp>.md shows it by.
        await shoot(basename(guideScreenshot(GUIDE_IDPS[index]!), '.png'));
      }
      await page.getByRole('link', { name: 'Okta', exact: true }).click();
      await page.getByRole('heading', { name: 'Set up user provisioning from Okta' }).waitFor();
      // The Okta table names each attribute's External name and namespace.
      const hireDate = page.locator('table.mapping tr', { hasText: 'hireDate' });
      assert.match((await hireDate.textContent()) ?? '', /hireDate.*Roster/);
    });

    it('generates the token in place, shown once', async () => {
      await page.getByRole('button', { name: 'Generate token' }).click();
      const secret = page.locator('#setup-token-value');
      await secret.waitFor();
      token = await secret.inputValue();
      assert.match(token, /^rst_[0-9a-f]{16}[A-Za-z0-9_-]{43}$/);
      await page.getByText('Copy the token now.').waitFor();
      await page.getByRole('button', { name: 'I have copied it' }).click();
      assert.equal(await page.locator('#setup-token-value').count(), 0, 'the token is gone from the page');
    });

    it("shows Okta's first request arriving, without a reload", async () => {
      const navigations: string[] = [];
      page.on('framenavigated', (frame) => navigations.push(frame.url()));
      assert.equal(await scim('/scim/v2', OKTA_FIRST, token), 200);
      const arrived = page.locator('.attempt-ok', { hasText: 'GET /scim/v2/Users?filter=' });
      await arrived.waitFor();
      assert.match((await arrived.textContent()) ?? '', /200 OK.*From Okta/);
      await page.locator('.live-ok', { hasText: 'Connected: Okta reached Roster' }).waitFor();
      await page.locator('.live-check').scrollIntoViewIfNeeded();
      if (shots) await page.screenshot({ path: join(SCREENSHOTS, '08-okta-connection-check.png'), fullPage: false });
      assert.deepEqual(navigations, [], 'the page did not reload');
    });

    it("explains a wrong token, a revoked one and another tenant's, in Okta's words", async () => {
      assert.equal(await scim('/t/acme/scim/v2', OKTA_FIRST, 'rst_0000000000000000AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), 401);
      await page.locator('.attempt-failed', { hasText: 'Roster does not know the token in API Token' }).waitFor();
      const globex = await server.rt.store.tenants.findBySlug('globex');
      const globexToken = (await issueCredential(server.rt, globex!.id, 'bearer', 'globex')).secret;
      assert.equal(await scim('/t/acme/scim/v2', OKTA_FIRST, globexToken), 401);
      await page.locator('.attempt-failed', { hasText: 'belongs to another Roster tenant' }).waitFor();
      await page.locator('.live-failed').waitFor();
      await page.locator('.live-check').scrollIntoViewIfNeeded();
      if (shots) await page.screenshot({ path: join(SCREENSHOTS, '09-okta-wrong-token-explained.png'), fullPage: false });
    });
  });
}
