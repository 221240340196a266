import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

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
});
