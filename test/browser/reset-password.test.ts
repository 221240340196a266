/**
 * The password-reset page in a real browser: a link printed by `roster admin reset-password` opens
 * the console's page, sets a new password (the admin's open session ends), and the same link
 * opened again, or an expired one, says so plainly instead of showing the form.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createServer, type RosterServer } from '../../src/app/create-server.js';
import { loadConfig } from '../../src/config/config.js';
import { createAdmin } from '../../src/provisioning/admins/manage-admins.js';
import { issuePasswordReset, resetLink } from '../../src/provisioning/admins/password-reset.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/databases.js';
import { chromiumSkipReason, launchChromium } from './chromium.js';

const ADMIN = { email: 'ann@roster.example', password: 'the first passphrase' };
const missing = chromiumSkipReason();
if (missing && process.env.CI === 'true') {
  describe('password reset in a real browser', () => {
    it('needs Chromium under CI', () => assert.fail(`FAIL: ${missing}`));
  });
} else if (missing) {
  console.error(`\n!! password-reset browser test SKIPPED: ${missing}\n`);
} else {
  const build = spawnSync(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'admin-ui', 'build.mjs')], { encoding: 'utf8' });
  assert.equal(build.status, 0, `the console did not build:\n${build.stdout}${build.stderr}`);
}

describe('password reset in Chromium', { skip: missing }, () => {
  let database: TestDatabase;
  let server: RosterServer;
  let base: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;

  const heading = async () => (await page.locator('h1').first().textContent())?.trim();
  const signIn = (password: string) =>
    fetch(`${base}/admin/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: ADMIN.email, password }) });

  before(async () => {
    database = await createTestDatabase('sqlite');
    server = await createServer(loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1' }));
    base = (await server.listen()).replace('[::1]', '127.0.0.1');
    await createAdmin(server.rt, ADMIN);
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await database?.dispose();
  });

  it('sets a new password once through the link, and then says the link was used', async () => {
    const open = await signIn(ADMIN.password);
    assert.equal(open.status, 200);
    const cookie = (open.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { token } = await issuePasswordReset(server.rt, ADMIN.email, { actor: 'cli' });
    const link = resetLink(base, token);

    await page.goto(link);
    await page.getByRole('heading', { name: 'Set a new password' }).waitFor();
    assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar');
    await page.getByLabel(/New password/).fill('a brand new passphrase');
    await page.getByLabel('The same again').fill('a different passphrase');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('The two passwords differ.').waitFor();
    await page.getByLabel('The same again').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();
    assert.match((await page.getByRole('status').textContent()) ?? '', /ann@roster\.example/);

    const session = await fetch(`${base}/admin/api/v1/session`, { headers: { cookie } });
    assert.equal(session.status, 401, 'the session opened before the reset ended');
    assert.equal((await signIn('a brand new passphrase')).status, 200);

    await page.goto(link);
    await page.getByRole('heading', { name: 'This link was already used' }).waitFor();
    assert.equal(await page.locator('input[type=password]').count(), 0, 'no form for a used link');
  });

  it('says plainly when a link has expired', async () => {
    const past = { ...server.rt, now: () => Date.now() - 2 * 3_600_000 };
    const { token } = await issuePasswordReset(past, ADMIN.email, { actor: 'cli', ttlMs: 3_600_000 });
    await page.goto(resetLink(base, token));
    await page.getByRole('heading', { name: 'This link has expired' }).waitFor();
    assert.match((await page.getByRole('alert').first().textContent()) ?? '', /Ask an operator for a new one/);
    await page.goto(`${base}/admin/reset-password`);
    assert.equal(await heading(), 'This link is not valid');
  });
});
