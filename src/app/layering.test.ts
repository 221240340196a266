import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * Dependencies point down (DESIGN.md): cli → app → http → scim → provisioning → storage.
 * A module may import its own layer and any layer below it, never one above.
 */
const RANK: Record<string, number> = { json: 0, storage: 1, provisioning: 2, events: 2, scim: 3, config: 3, http: 4, admin: 4, guides: 4, app: 5, cli: 6, index: 6, 'webhook-helper': 6 };
const src = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'testing') sources(full, out);
    } else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.contract.ts') && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

const layerOf = (file: string) => relative(src, file).split(/[\\/]/)[0]!.replace(/\.ts$/, '');

describe('layering', () => {
  it('every import points to the same layer or below', () => {
    const violations: string[] = [];
    for (const file of sources(src)) {
      const from = layerOf(file);
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/from\s+'(\.{1,2}\/[^']+)'/g)) {
        const target = resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts'));
        const to = layerOf(target);
        const fromRank = RANK[from];
        const toRank = RANK[to];
        assert.ok(fromRank !== undefined, `unknown layer ${from}`);
        assert.ok(toRank !== undefined, `unknown layer ${to} (imported by ${relative(src, file)})`);
        if (toRank > fromRank) violations.push(`${relative(src, file)} (${from}) imports ${match[1]} (${to})`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it('nothing in src imports Express: the embedding handler is plain Node (decision 0014)', () => {
    const offenders = sources(src).filter((f) => /from '(express|@types\/express)'/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders.map((f) => relative(src, f)), []);
  });

  it('nothing outside testing imports the testing helpers', () => {
    const offenders = sources(src).filter((f) => /from '[^']*testing\//.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders.map((f) => relative(src, f)), []);
  });
});
