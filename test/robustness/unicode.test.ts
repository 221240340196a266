/**
 * Issue 7 item 3: Unicode confusables and case folding of userName, the same on SQLite and
 * PostgreSQL. The rule (docs/reliability.md): two userNames are the same person when
 * `NFKC(name).toLowerCase()` is equal — Unicode compatibility normalisation, then the default
 * (locale-independent) lower-case mapping. So case, full-width forms, ligatures, composed and
 * decomposed accents collide; `ß` ≠ `ss`, Turkish dotless `ı` ≠ `i`, `İ` ≠ `i`, Cyrillic `а` ≠
 * Latin `a`, and invisible characters count. Each pair is tried on both engines through the HTTP
 * API (uniqueness and `eq` / `sw` filters) and the outcomes must be identical and as documented.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '../../src/json/json-value.js';
import { reliability, testEngines, type EngineName, type SeededTenant } from './support/harness.js';
import { must } from './support/http.js';
import { startInProcess, type LiveServer } from './support/in-process.js';

/** [first userName, second userName, same person?, why] */
const PAIRS: readonly [string, string, boolean, string][] = [
  ['john@example.com', 'JOHN@Example.COM', true, 'ASCII case'],
  ['john@example.com', 'ｊｏｈｎ@ｅｘａｍｐｌｅ.ｃｏｍ', true, 'full-width letters (NFKC)'],
  ['José', 'Jose\u0301', true, 'precomposed é vs e + combining acute (NFKC composes)'],
  ['ÉMILE', 'émile', true, 'accented capital'],
  ['ﬁnn', 'finn', true, 'ligature ﬁ (NFKC)'],
  ['\u212Aelvin', 'kelvin', true, 'Kelvin sign K (NFKC)'],
  ['user²', 'user2', true, 'superscript two (NFKC)'],
  ['Ⅻ-team', 'xii-team', true, 'Roman numeral twelve (NFKC)'],
  ['STRAẞE', 'straße', true, 'capital sharp s lowers to ß'],
  ['Straße', 'STRASSE', false, 'ß is not folded to ss (no full case folding)'],
  ['KIZ', 'kiz', true, 'dotted I lowers to i (no Turkish locale)'],
  ['kız', 'kiz', false, 'Turkish dotless ı is its own letter'],
  ['İstanbul', 'istanbul', false, 'İ lowers to i + combining dot above, not i'],
  ['ΟΔΟΣ', 'οδος', true, 'Greek capital lowers with final sigma ς'],
  ['οδοσ', 'οδος', false, 'medial σ vs final ς stay distinct'],
  ['аdmin', 'admin', false, 'Cyrillic а (U+0430) is not Latin a: confusables are not merged'],
  ['jo\u200bhn', 'john', false, 'zero-width space counts'],
  ['john ', 'john', false, 'trailing space counts'],
  ['Ǆemal', 'ǆemal', true, 'DŽ digraph lowers'],
  ['😀user', '😀USER', true, 'astral characters pass through'],
  ['ab😀cd', 'AB😀CD', true, 'astral character inside (sw/ew count characters, not UTF-16 units)'],
];

type Outcome = {
  secondCreate: number;
  familyEqFindsFirst: boolean;
  displayEqFindsFirst: boolean;
  eqFindsFirst: boolean;
  swFindsFirst: boolean;
  ewFindsFirst: boolean;
  coFindsFirst: boolean;
  distinctStoredFolds: number;
};
const results = new Map<EngineName, Outcome[]>();
const orders = new Map<string, string[]>();

for (const { engine, skip } of testEngines()) {
  describe(`userName folding on ${engine}`, { skip }, () => {
    let live: LiveServer;
    let t: SeededTenant;
    before(async () => {
      live = await startInProcess(engine, ['unicode']);
      t = live.tenants[0] as SeededTenant;
    });
    after(async () => {
      await live?.close();
    });

    it('each pair collides, or not, as the documented rule says', async () => {
      const outcomes: Outcome[] = [];
      for (const [i, [first, second, same, why]] of PAIRS.entries()) {
        // A suffix keeps pairs apart from each other.
        const a = `${first}#${i}`;
        const b = `${second}#${i}`;
        const created = await must(live.base, 'POST', '/scim/v2/Users', { token: t.token, body: { userName: a, displayName: a, name: { familyName: a } } });
        assert.equal(created.status, 201, `${why}: ${created.text}`);
        const firstId = String(created.body['id']);
        const again = await must(live.base, 'POST', '/scim/v2/Users', { token: t.token, body: { userName: b } });
        const search = async (op: string, value: string, attribute = 'userName') => {
          const r = await must(live.base, 'GET', `/scim/v2/Users?filter=${encodeURIComponent(`${attribute} ${op} ${JSON.stringify(value)}`)}`, { token: t.token });
          assert.equal(r.status, 200);
          return ((r.body['Resources'] as JsonObject[] | undefined) ?? []).some((u) => u['id'] === firstId);
        };
        const folds = await live.sql.rows<{ user_name_fold: string }>('select user_name_fold from users where tenant_id = ? and user_name in (?, ?)', [t.id, a, b]);
        const outcome: Outcome = {
          secondCreate: again.status,
          eqFindsFirst: await search('eq', b),
          swFindsFirst: await search('sw', `${second}#`),
          ewFindsFirst: await search('ew', `${[...second].slice(1).join('')}#${i}`),
          coFindsFirst: await search('co', `${[...second].slice(1).join('')}#${i}`),
          // Case-insensitive attributes kept in the JSON document (folded in SQL) and in a folded column.
          familyEqFindsFirst: await search('eq', b, 'name.familyName'),
          displayEqFindsFirst: await search('eq', b, 'displayName'),
          distinctStoredFolds: new Set(folds.map((f) => f.user_name_fold)).size,
        };
        outcomes.push(outcome);
        assert.equal(outcome.secondCreate, same ? 409 : 201, `${why}: second create`);
        assert.equal(outcome.eqFindsFirst, same, `${why}: userName eq`);
        assert.equal(outcome.swFindsFirst, same, `${why}: userName sw`);
        assert.equal(outcome.familyEqFindsFirst, same, `${why}: name.familyName eq (folded in SQL)`);
        assert.equal(outcome.displayEqFindsFirst, same, `${why}: displayName eq`);
        // Everything after the first character: found whenever the two are the same person.
        if (same) assert.equal(outcome.ewFindsFirst, true, `${why}: userName ew`);
        if (same) assert.equal(outcome.coFindsFirst, true, `${why}: userName co`);
        assert.equal(outcome.distinctStoredFolds, same ? 1 : 2, `${why}: one stored row per person, each with its own fold`);
      }
      // Sorting by a folded attribute orders by code point of the folded text, on both engines.
      for (const sortBy of ['userName', 'name.familyName', 'displayName']) {
        const sorted = await must(live.base, 'GET', `/scim/v2/Users?sortBy=${sortBy}&count=1000`, { token: t.token });
        orders.set(
          `${engine} ${sortBy}`,
          ((sorted.body['Resources'] as JsonObject[] | undefined) ?? []).map((u) => String(u['userName'])),
        );
      }
      results.set(engine, outcomes);
    });
  });
}

describe('userName folding: one rule on both engines', () => {
  it('SQLite and PostgreSQL gave identical answers for every pair', () => {
    const sqlite = results.get('sqlite');
    const postgres = results.get('postgres');
    assert.ok(sqlite, 'the SQLite run happened');
    if (postgres) {
      assert.deepEqual(postgres, sqlite);
      for (const sortBy of ['userName', 'name.familyName', 'displayName'])
        assert.deepEqual(orders.get(`postgres ${sortBy}`), orders.get(`sqlite ${sortBy}`), `sortBy=${sortBy}`);
    }
    reliability('hostile.unicode-username', {
      pairs: PAIRS.length,
      engines: postgres ? 2 : 1,
      collisions: PAIRS.filter(([, , same]) => same).length,
      distinct: PAIRS.filter(([, , same]) => !same).length,
      engineDisagreements: 0,
    });
  });
});
