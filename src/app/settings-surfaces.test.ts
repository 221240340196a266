import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { consoleTypesSource } from '../admin/console-types.js';
import { settingsViewSchema } from '../admin/view-schemas.js';
import { SchemaCollector } from '../http/openapi-document.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../json/json-value.js';
import { main } from '../cli/main.js';
import { SETTING_FLAGS, settingFlagsHelp, settingFlagsOf } from '../cli/settings-flags.js';
import { DEFAULT_SETTINGS, isSettingName, settingsSchema } from '../provisioning/tenants/tenant-settings.js';

/**
 * The tenant settings schema is the one place a setting is declared: the CLI's flags and help, the
 * admin OpenAPI and the console's type are read from it. These tests hold each of them to the
 * schema, and show that a setting added to a schema reaches every one with no other edit.
 */
const root = join(import.meta.dirname, '..', '..');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

function object(value: JsonValue | undefined, what: string): JsonObject {
  assert.ok(value !== undefined && isJsonObject(value), `${what} is an object`);
  return value;
}

/** A valid value other than the default where the type allows one, as typed after the flag. */
function otherValue(flag: (typeof SETTING_FLAGS)[number], current: unknown): string {
  switch (flag.kind.type) {
    case 'choice':
      return flag.kind.choices.find((c) => c !== current) ?? String(current);
    case 'boolean':
      return String(current !== true);
    case 'number':
      return String(Number(current) + 1);
    case 'list':
      return Array.isArray(current) ? current.slice(0, 2).join(',') : String(current);
    case 'text':
      return String(current);
  }
}

describe('tenant settings reach every surface from the schema', () => {
  const names = Object.keys(settingsSchema.shape);
  let dir: string;
  const saved = process.env.DATABASE_URL;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'roster-settings-'));
    process.env.DATABASE_URL = join(dir, 'roster.db');
  });
  after(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('roster tenant settings --help names every setting as a flag, with its description and default', async () => {
    const help = capture();
    assert.equal(await main(['tenant', 'settings', '--help'], help.io), 0);
    const text = help.out.join('\n');
    assert.deepEqual(
      SETTING_FLAGS.map((f) => f.setting),
      names,
    );
    for (const f of SETTING_FLAGS) {
      assert.ok(text.includes(`[--${f.flag} `), `--${f.flag} in the synopsis`);
      assert.ok(text.includes(`${f.description} Default: ${f.defaultText}.`), `${f.setting}: description and default in the help`);
    }
    assert.ok(text.includes('--languages'), 'the language flag keeps its name');
  });

  it('every flag sets its setting, parsed by the setting type', async () => {
    assert.equal(await main(['tenant', 'create', 'acme'], capture().io), 0);
    const argv = ['tenant', 'settings', 'acme', '--json'];
    const expected: Record<string, unknown> = {};
    for (const f of SETTING_FLAGS) {
      assert.ok(isSettingName(f.setting));
      const text = otherValue(f, DEFAULT_SETTINGS[f.setting]);
      argv.push(`--${f.flag}`, text);
      expected[f.setting] = f.kind.type === 'number' ? Number(text) : f.kind.type === 'boolean' ? text === 'true' : f.kind.type === 'list' ? text.split(',') : text;
    }
    const changed = capture();
    assert.equal(await main(argv, changed.io), 0, changed.err.join('\n'));
    assert.deepEqual(JSON.parse(changed.out.join('\n')), expected);
    const refused = capture();
    assert.equal(await main(['tenant', 'settings', 'acme', '--mass-change-percent', 'lots', '--sso-may-update', 'maybe'], refused.io), 1);
    assert.match(refused.err.join('\n'), /massChangePercent.*ssoMayUpdate|ssoMayUpdate.*massChangePercent/s);
  });

  it("the admin OpenAPI's Settings component is the schema: each setting's type, description and default", () => {
    // The component exactly as the generated document has it (the same conversion of the answer's schema).
    const collector = new SchemaCollector();
    collector.convert(settingsViewSchema, 'output');
    const component = object(collector.components['Settings'], 'Settings');
    const properties = object(component['properties'], 'Settings.properties');
    assert.deepEqual(Object.keys(properties), [...names, 'provisioningEnabled']);
    for (const name of names) {
      assert.ok(isSettingName(name));
      const property = object(properties[name], name);
      assert.equal(property['description'], settingsSchema.shape[name].unwrap().description, `${name} described`);
      assert.deepEqual(property['default'], DEFAULT_SETTINGS[name], `${name} default`);
    }
    assert.deepEqual(object(properties['valueRules'], 'valueRules')['enum'], ['enforce', 'report']);
    assert.equal(object(properties['logRetentionDays'], 'logRetentionDays')['maximum'], 3650);
  });

  it("the console's Settings type (admin-ui/src/types.ts, generated from the answer schemas) has every setting", () => {
    const text = readFileSync(join(root, 'admin-ui', 'src', 'types.ts'), 'utf8');
    const settingsType = /^export type Settings = \{\n([\s\S]*?)^\};$/m.exec(text)?.[1] ?? '';
    for (const name of names) assert.match(settingsType, new RegExp(`^  ${name}: `, 'm'), `${name} in the console type`);
    assert.match(settingsType, /^ {2}valueRules: "enforce" \| "report";$/m);
    assert.match(settingsType, /^ {2}massChangeGroupSize: number;$/m);
  });

  it('a setting added to the schema is a flag, an OpenAPI property and a console field with no other edit', () => {
    const grown = settingsSchema.extend({
      inviteReminderDays: z.number().int().min(1).describe('Days before an unanswered invitation is sent again.').default(3),
      reminderChannel: z.enum(['email', 'chat']).describe('Where reminders go.').default('email'),
    });
    const flags = settingFlagsOf(grown);
    const help = settingFlagsHelp(flags);
    assert.ok(help.synopsis.includes('[--invite-reminder-days N]'));
    assert.ok(help.synopsis.includes('[--reminder-channel email|chat]'));
    assert.ok(help.details.includes('Days before an unanswered invitation is sent again. Default: 3.'));
    // The answer's schema as the admin API declares it (view-schemas.ts), grown by two settings.
    const grownView = grown.extend({ provisioningEnabled: z.boolean() }).strict().meta({ id: 'admin.GrownSettings' });
    const collector = new SchemaCollector();
    collector.convert(grownView, 'output');
    const properties = object(object(collector.components['GrownSettings'], 'GrownSettings')['properties'], 'properties');
    assert.deepEqual(properties['inviteReminderDays'], {
      type: 'integer',
      minimum: 1,
      default: 3,
      description: 'Days before an unanswered invitation is sent again.',
    });
    assert.deepEqual(object(properties['reminderChannel'], 'reminderChannel')['enum'], ['email', 'chat']);
    const consoleType = consoleTypesSource([grownView]);
    assert.match(consoleType, /^ {2}inviteReminderDays: number;$/m);
    assert.match(consoleType, /^ {2}reminderChannel: "email" \| "chat";$/m);
  });
});
