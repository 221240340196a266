import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../cli/main.js';
import { ConfigError, configSchema, loadConfig, SETTINGS } from './config.js';

/** README.md's configuration table: each row's setting names (`A` / `B`) with their defaults as written. */
function documentedSettings(): Map<string, string> {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Configuration\n'));
  assert.ok(section, 'README.md has a Configuration section');
  const documented = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = /^\| (`[A-Z_]+`(?: \/ `[A-Z_]+`)*) \| ([^|]+) \|/.exec(line);
    if (!cells) continue;
    const names = cells[1]!.split(' / ').map((n) => n.replace(/`/g, ''));
    const defaults = cells[2]!.trim().split(' / ');
    names.forEach((name, i) => {
      assert.ok(!documented.has(name), `${name} is in the table once`);
      documented.set(name, (defaults.length === names.length ? defaults[i] : defaults[0])!.trim());
    });
  }
  return documented;
}

describe('configuration', () => {
  it('has working defaults: SQLite under ./data, port 8080', () => {
    const config = loadConfig({});
    assert.equal(config.databaseUrl, './data/roster.db');
    assert.equal(config.port, 8080);
    assert.ok(Object.isFrozen(config));
  });

  it('reads the environment, and flags win over it', () => {
    const config = loadConfig({ PORT: '9000', DATABASE_URL: 'postgres://x@h/db' }, ['--port', '9100', '--host=0.0.0.0']);
    assert.equal(config.port, 9100);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.databaseUrl, 'postgres://x@h/db');
  });

  it('reports every problem at once', () => {
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', PUBLIC_URL: 'not a url' }, ['--no-such-flag', 'x']);
      assert.fail('expected a ConfigError');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 4);
      assert.match(error.message, /PORT/);
      assert.match(error.message, /LOG_LEVEL/);
      assert.match(error.message, /PUBLIC_URL/);
      assert.match(error.message, /--no-such-flag/);
    }
  });

  it('is one schema: parsing nothing gives every default, and each default is valid', () => {
    assert.deepEqual(configSchema.parse({}), loadConfig({}));
    for (const s of SETTINGS) assert.doesNotThrow(() => loadConfig({ [s.env]: s.default }), s.env);
  });

  it("README.md's table documents every setting with its default, and nothing that is gone", () => {
    const documented = documentedSettings();
    for (const s of SETTINGS) {
      const written = documented.get(s.env);
      assert.ok(written !== undefined, `${s.env} is missing from README.md's configuration table`);
      // An empty default is written in words: (empty), (from the request).
      if (s.default === '') assert.match(written, /^\(.+\)$/, `${s.env}: empty by default`);
      else assert.equal(written, `\`${s.default}\``, `${s.env}: default`);
    }
    const declared = new Set<string>(SETTINGS.map((s) => s.env));
    for (const name of documented.keys()) assert.ok(declared.has(name), `README.md documents ${name}, which is no setting`);
  });

  it('roster serve --help lists every setting with its description and default, and each is a flag', async () => {
    const out: string[] = [];
    assert.equal(await main(['serve', '--help'], { out: (l) => out.push(l), err: () => {} }), 0);
    const help = out.join('\n');
    for (const s of SETTINGS) {
      assert.ok(help.includes(`${s.env.padEnd(22)} ${s.doc} (default: ${s.default === '' ? 'empty' : s.default})`), `${s.env} in serve --help`);
      const flag = `--${s.env.toLowerCase().replace(/_/g, '-')}`;
      assert.doesNotThrow(() => loadConfig({}, [flag, s.default]), `${flag} is accepted`);
    }
  });
});
