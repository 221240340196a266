import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestServer, type TestServer } from '../../testing/test-server.js';
import { updateTenantSettings } from './manage-tenants.js';
import { DEFAULT_LANGUAGES, DEFAULT_SETTINGS, isSettingName, mergeSettings, settingsChangeSchema, settingsSchema, tenantSettings } from './tenant-settings.js';

describe('tenant settings, declared once', () => {
  it('has a default and a description for every setting, and the defaults are the schema parsing nothing', () => {
    const names = Object.keys(settingsSchema.shape);
    assert.deepEqual(Object.keys(DEFAULT_SETTINGS).sort(), [...names].sort());
    for (const [name, field] of Object.entries(settingsSchema.shape)) {
      assert.ok((field.unwrap().description ?? '').length > 10, `${name} says what it is`);
      assert.ok(isSettingName(name));
      assert.deepEqual(field.parse(undefined), DEFAULT_SETTINGS[name], `${name} has a default`);
    }
    assert.deepEqual(DEFAULT_SETTINGS.supportedLanguages, DEFAULT_LANGUAGES);
    assert.equal(DEFAULT_SETTINGS.valueRules, 'report');
    assert.equal(DEFAULT_SETTINGS.massChangeGroupSize, 50);
    assert.ok(Object.isFrozen(DEFAULT_SETTINGS));
  });

  it('fills in the defaults for what a tenant never set, and keeps what it did', () => {
    const settings = tenantSettings({ settings: { matchingField: 'email', logRetentionDays: 7 } });
    assert.deepEqual(settings, { ...DEFAULT_SETTINGS, matchingField: 'email', logRetentionDays: 7 });
    // Each tenant's language list is its own: a default is never one shared, mutable array.
    assert.notEqual(settingsSchema.parse({}).supportedLanguages, settingsSchema.parse({}).supportedLanguages);
  });

  it('answers the defaults for stored settings that no longer parse, rather than failing every request', () => {
    assert.deepEqual(tenantSettings({ settings: { matchingField: 'shoeSize' } }), DEFAULT_SETTINGS);
  });

  it('validates a change without filling in defaults: only the settings named are stored', () => {
    assert.deepEqual(settingsChangeSchema.parse({ valueRules: 'enforce' }), { valueRules: 'enforce' });
    const merged = mergeSettings({ settings: { supportedLanguages: ['en'] } }, { massChangeGuard: 'off' });
    assert.ok(merged.ok);
    assert.deepEqual(merged.stored, { supportedLanguages: ['en'], massChangeGuard: 'off' });
    assert.deepEqual(merged.settings, { ...DEFAULT_SETTINGS, supportedLanguages: ['en'], massChangeGuard: 'off' });
  });

  it('lists every problem of a change, unknown names included', () => {
    const merged = mergeSettings({ settings: {} }, { matchingField: 'shoeSize', massChangePercent: 0, shoeSize: 44 });
    assert.equal(merged.ok, false);
    const problems = merged.ok ? [] : merged.problems;
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems.join('\n'), /matchingField/);
    assert.match(problems.join('\n'), /massChangePercent/);
    assert.match(problems.join('\n'), /shoeSize/);
  });

  describe('on a real database', () => {
    let t: TestServer;
    before(async () => {
      t = await createTestServer('sqlite');
    });
    after(() => t.close());

    it('stores only what an admin set, so an unset setting follows the default of the running version', async () => {
      const settings = await updateTenantSettings(t.server.rt, 'acme', { valueRules: 'enforce', supportedLanguages: ['en', 'fr'] });
      assert.equal(settings.valueRules, 'enforce');
      const stored = await t.server.rt.store.tenants.findBySlug('acme');
      assert.deepEqual(stored?.settings, { valueRules: 'enforce', supportedLanguages: ['en', 'fr'] });
      await updateTenantSettings(t.server.rt, 'acme', { eventRetentionDays: 60 });
      const again = await t.server.rt.store.tenants.findBySlug('acme');
      assert.deepEqual(again?.settings, { valueRules: 'enforce', supportedLanguages: ['en', 'fr'], eventRetentionDays: 60 });
      assert.deepEqual(tenantSettings(again!), { ...DEFAULT_SETTINGS, valueRules: 'enforce', supportedLanguages: ['en', 'fr'], eventRetentionDays: 60 });
    });
  });
});
