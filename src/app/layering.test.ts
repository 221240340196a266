import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Dependencies point down (docs/architecture.md): cli → app → http → scim → provisioning → storage.
 * A module may import its own layer and any layer below it, never one above. Three sharper rules
 * ride on the ranks:
 * - `storage/sql/` is the storage layer's implementation: only storage itself, the composition root
 *   and the test helpers under `src/testing/` may import it (everyone else holds the interface).
 * - outside `scim/`, only the composition root reaches into scim's internals; every other module
 *   uses the entry points below, and the admin API none at all (it calls provisioning).
 * - every import counts: `import type`, `export … from`, side-effect `import './x.js'` and dynamic
 *   `import('./x.js')` alike (TypeScript's own pre-processor reads them, skipping comments and strings).
 * Tests (`*.test.ts`, `*.contract.ts`) may reach anywhere to observe; the rules bind the code that ships.
 */
const RANK: Record<string, number> = { json: 0, storage: 1, provisioning: 2, events: 2, scim: 3, config: 3, http: 4, admin: 4, guides: 4, app: 5, cli: 6, index: 6, 'webhook-helper': 6 };

/** The one composition root, which wires every layer's concrete parts together. */
const COMPOSITION_ROOT = 'app/create-server.ts';

/**
 * What a layer above scim may import from it: the endpoint functions the SCIM routes call (shared
 * with /Bulk), the error type that becomes a response, the URNs an error body names, the protocol's
 * request messages (list parameters, ETags) and the resource schema type the route table is keyed by.
 */
const SCIM_ENTRY_POINTS: readonly string[] = [
  'scim/endpoints/bulk.ts',
  'scim/endpoints/context.ts',
  'scim/endpoints/discovery.ts',
  'scim/endpoints/groups.ts',
  'scim/endpoints/root-search.ts',
  'scim/endpoints/users.ts',
  'scim/errors.ts',
  'scim/messages/',
  'scim/schemas/registry.ts',
  'scim/schemas/urns.ts',
];

/**
 * More of scim a layer may read: the IdP guides build their attribute-mapping tables from the
 * schema definitions themselves, so a table cannot name an attribute Roster does not accept.
 */
const MORE_SCIM_FOR: Readonly<Record<string, readonly string[]>> = { guides: ['scim/schemas/'] };

/** Layers that may not import scim at all (docs/architecture.md: the admin API calls provisioning, never scim). */
const NO_SCIM = new Set(['admin']);

interface SourceFile {
  /** Path relative to src/, with forward slashes. */
  readonly path: string;
  readonly text: string;
}

const src = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function shippedSources(dir: string, out: SourceFile[] = []): SourceFile[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) shippedSources(full, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.contract.ts') && !name.endsWith('.d.ts')) {
      out.push({ path: relative(src, full).split(/[\\/]/).join('/'), text: readFileSync(full, 'utf8') });
    }
  }
  return out;
}

/** Every module a file names, as src-relative `.ts` paths; package and `node:` imports are left out. */
function importsOf(file: SourceFile): string[] {
  const specifiers = ts.preProcessFile(file.text, true, true).importedFiles.map((f) => f.fileName);
  return specifiers
    .filter((s) => s.startsWith('./') || s.startsWith('../'))
    .map((s) => join(dirname(file.path), s.replace(/\.js$/, '.ts')).split(/[\\/]/).join('/'));
}

const layerOf = (path: string) => path.split('/')[0]!.replace(/\.ts$/, '');

/** Every import that breaks a rule, as `from → to (why)`; the unknown-layer problems too. */
function violationsOf(files: readonly SourceFile[]): string[] {
  const violations: string[] = [];
  for (const file of files) {
    const from = layerOf(file.path);
    // The test helpers are a harness over the whole app: only the storage/sql rule speaks of them.
    const harness = from === 'testing';
    for (const target of importsOf(file)) {
      const to = layerOf(target);
      const said = `${file.path} imports ${target}`;
      if (!harness) {
        if (RANK[from] === undefined) violations.push(`${file.path}: unknown layer ${from}`);
        if (to === 'testing') violations.push(`${said}: only tests use the test helpers`);
        else if (RANK[to] === undefined) violations.push(`${said}: unknown layer ${to}`);
        else if (RANK[to]! > RANK[from]!) violations.push(`${said}: ${from} may not import ${to}, a layer above it`);
      }
      if (target.startsWith('storage/sql/') && from !== 'storage' && file.path !== COMPOSITION_ROOT && !harness) {
        violations.push(`${said}: storage/sql is private to storage and the composition root`);
      }
      if (to === 'scim' && from !== 'scim' && file.path !== COMPOSITION_ROOT && !harness) {
        if (NO_SCIM.has(from)) violations.push(`${said}: ${from} calls provisioning, never scim`);
        else if (![...SCIM_ENTRY_POINTS, ...(MORE_SCIM_FOR[from] ?? [])].some((entry) => (entry.endsWith('/') ? target.startsWith(entry) : target === entry))) {
          violations.push(`${said}: not one of scim's entry points (SCIM_ENTRY_POINTS)`);
        }
      }
    }
  }
  return violations;
}

describe('layering', () => {
  it('every import in src/ keeps the rules', () => {
    const files = shippedSources(src);
    assert.ok(files.length > 100, `read ${files.length} files`);
    assert.deepEqual(violationsOf(files), []);
  });

  it('nothing in src imports Express: the embedding handler is plain Node (decision 0016)', () => {
    const offenders = shippedSources(src).filter((f) => /from '(express|@types\/express)'/.test(f.text));
    assert.deepEqual(offenders.map((f) => f.path), []);
  });

  it('every entry point named for scim exists', () => {
    const files = new Set(shippedSources(join(src, 'scim')).map((f) => f.path));
    for (const entry of SCIM_ENTRY_POINTS) {
      assert.ok([...files].some((f) => (entry.endsWith('/') ? f.startsWith(entry) : f === entry)), `${entry} is not in src/`);
    }
  });

  describe('the checker itself', () => {
    const check = (path: string, text: string) => violationsOf([{ path, text }]);

    it('fails an upward import, static, type-only, re-exported, side-effect or dynamic', () => {
      for (const text of [
        "import { x } from '../http/app.js';",
        "import type { X } from '../http/app.js';",
        "export { x } from '../http/app.js';",
        "import '../http/app.js';",
        "const m = await import('../http/app.js');",
      ]) {
        assert.equal(check('scim/errors.ts', text).length, 1, text);
      }
    });

    it('ignores imports inside comments and strings, and package imports', () => {
      assert.deepEqual(check('scim/errors.ts', "// import { x } from '../http/app.js';\nconst s = \"import '../http/app.js'\";\nimport { z } from 'zod';"), []);
    });

    it('keeps storage/sql to storage, the composition root and the test helpers', () => {
      const text = "import { openSqlite } from '../storage/sql/dialects/sqlite.js';";
      assert.match(check('http/error-response.ts', text).join(), /private to storage/);
      assert.match(check('cli/main.ts', "import '../storage/sql/sql-store.js';").join(), /private to storage/);
      assert.deepEqual(check('app/create-server.ts', text), []);
      assert.deepEqual(check('testing/databases.ts', text), []);
      assert.deepEqual(check('storage/open-store.ts', "import { openSqlite } from './sql/dialects/sqlite.js';"), []);
    });

    it('lets http use scim only through its entry points, and admin not at all', () => {
      assert.deepEqual(check('http/scim-routes.ts', "import { bulk } from '../scim/endpoints/bulk.js';\nimport { parseEtag } from '../scim/messages/etag.js';"), []);
      assert.match(check('http/scim-routes.ts', "import { renderUser } from '../scim/resources/render-resource.js';").join(), /entry points/);
      assert.match(check('http/app.ts', "const q = await import('../scim/quirks/index.js');").join(), /entry points/);
      assert.match(check('admin/views.ts', "import { ScimError } from '../scim/errors.js';").join(), /never scim/);
      assert.deepEqual(check('app/create-server.ts', "import { rosterUserSchema } from '../scim/schemas/roster-user.js';"), []);
    });

    it('keeps the test helpers to tests', () => {
      assert.match(check('http/app.ts', "import { createTestServer } from '../testing/test-server.js';").join(), /only tests/);
    });
  });
});
