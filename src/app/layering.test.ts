import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Dependencies point down (docs/architecture.md): cli → app → http → scim → provisioning → storage.
 * Each layer names the layers it may import (MAY_IMPORT, checked to have no cycle), so a sideways
 * import between two layers of one level is a decision written here, not an accident. Three sharper
 * rules ride on it:
 * - `storage/sql/` is the storage layer's implementation: only `storage/open-store.ts` (which opens
 *   it behind the `Store` interface), the rest of `storage/sql/` and the composition root import it.
 *   The interface files of `storage/`, the test helpers and everyone else hold the interface.
 * - outside `scim/`, only the composition root reaches into scim's internals; every other layer
 *   names, file by file, the entry points it uses (SCIM_ENTRY_POINTS), and the admin API none at
 *   all (it calls provisioning). An entry point nobody uses is an error too: the list stays exact.
 * - every import counts: `import type`, `export … from`, side-effect `import './x.js'` and dynamic
 *   `import('./x.js')` alike (TypeScript's own pre-processor reads them, skipping comments and
 *   strings); a dynamic `import()` of anything but a literal cannot be checked, so it is refused.
 * Tests (`*.test.ts`, `*.contract.ts`) may reach anywhere to observe; the rules bind the code that ships.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  json: [],
  storage: ['json'],
  provisioning: ['storage', 'json'],
  events: ['provisioning', 'storage', 'json'],
  scim: ['provisioning', 'storage', 'json'],
  config: ['json'],
  guides: ['scim', 'provisioning', 'storage', 'json'],
  http: ['scim', 'events', 'provisioning', 'storage', 'json'],
  // No scim: the admin API calls provisioning (docs/architecture.md); http for its error renderer and mount path.
  admin: ['http', 'guides', 'events', 'provisioning', 'storage', 'json'],
  // scim for the composition root alone: every other file of app has no scim entry point.
  app: ['admin', 'http', 'guides', 'scim', 'config', 'events', 'provisioning', 'storage', 'json'],
  cli: ['app', 'admin', 'http', 'guides', 'config', 'events', 'provisioning', 'storage', 'json'],
  // The package's entry points (src/index.ts, src/webhook-helper.ts).
  index: ['app', 'config', 'storage', 'webhook-helper', 'json'],
  'webhook-helper': [],
};

/** The one composition root, which wires every layer's concrete parts together. */
const COMPOSITION_ROOT = 'app/create-server.ts';

/** The one file of storage's interface side that opens the SQL implementation. */
const STORE_OPENER = 'storage/open-store.ts';

/**
 * What each layer above scim may import from it, file by file. http: the endpoint functions the
 * SCIM routes call (shared with /Bulk), the error type that becomes a response, the URNs an error
 * body names, the protocol's request messages (list parameters, ETags) and the resource schema type
 * the route table is keyed by. guides: the schema definitions themselves, so a mapping table cannot
 * name an attribute Roster does not accept. A layer not named here imports no scim.
 */
const SCIM_ENTRY_POINTS: Readonly<Record<string, readonly string[]>> = {
  http: [
    'scim/endpoints/bulk.ts',
    'scim/endpoints/context.ts',
    'scim/endpoints/discovery.ts',
    'scim/endpoints/groups.ts',
    'scim/endpoints/root-search.ts',
    'scim/endpoints/users.ts',
    'scim/errors.ts',
    'scim/messages/etag.ts',
    'scim/messages/list-params.ts',
    'scim/schemas/registry.ts',
    'scim/schemas/urns.ts',
  ],
  guides: ['scim/schemas/attribute.ts', 'scim/schemas/core-user.ts', 'scim/schemas/enterprise-user.ts', 'scim/schemas/registry.ts', 'scim/schemas/roster-user.ts'],
};

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
  return specifiers.filter((s) => s.startsWith('./') || s.startsWith('../')).map((s) => join(dirname(file.path), s.replace(/\.js$/, '.ts')).split(/[\\/]/).join('/'));
}

/** Dynamic `import(…)` calls whose specifier is computed: no rule can read where they point. */
function computedImportsOf(file: SourceFile): string[] {
  if (!file.text.includes('import(')) return [];
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (!argument || !ts.isStringLiteralLike(argument)) found.push(node.getText(source));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const layerOf = (path: string) => path.split('/')[0]!.replace(/\.ts$/, '');

/** Every import that breaks a rule, as `from → to (why)`; the unknown-layer problems too. */
function violationsOf(files: readonly SourceFile[]): string[] {
  const violations: string[] = [];
  for (const file of files) {
    const from = layerOf(file.path);
    // The test helpers are a harness over the whole app: only the storage/sql rule speaks of them.
    const harness = from === 'testing';
    if (!harness && MAY_IMPORT[from] === undefined) violations.push(`${file.path}: unknown layer ${from}`);
    for (const call of computedImportsOf(file)) violations.push(`${file.path}: ${call} has a computed specifier, which no rule can check`);
    for (const target of importsOf(file)) {
      const to = layerOf(target);
      const said = `${file.path} imports ${target}`;
      if (target.startsWith('storage/sql/') && !file.path.startsWith('storage/sql/') && file.path !== STORE_OPENER && file.path !== COMPOSITION_ROOT) {
        violations.push(`${said}: storage/sql is private to storage (through ${STORE_OPENER}) and the composition root`);
      }
      if (harness || to === from) continue;
      if (to === 'testing') violations.push(`${said}: only tests use the test helpers`);
      else if (MAY_IMPORT[to] === undefined) violations.push(`${said}: unknown layer ${to}`);
      else if (MAY_IMPORT[from] !== undefined && !MAY_IMPORT[from]!.includes(to)) violations.push(`${said}: ${from} may not import ${to} (MAY_IMPORT)`);
      else if (to === 'scim' && file.path !== COMPOSITION_ROOT && !(SCIM_ENTRY_POINTS[from] ?? []).includes(target)) {
        violations.push(`${said}: not one of scim's entry points for ${from} (SCIM_ENTRY_POINTS)`);
      }
    }
  }
  return violations;
}

/** A cycle in the allowed graph, as the layers along it, or undefined: "down" must mean something. */
function cycleIn(graph: Readonly<Record<string, readonly string[]>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const walk = (layer: string, path: string[]): string[] | undefined => {
    if (state.get(layer) === 'done') return undefined;
    if (state.get(layer) === 'open') return [...path.slice(path.indexOf(layer)), layer];
    state.set(layer, 'open');
    for (const next of graph[layer] ?? []) {
      const cycle = walk(next, [...path, layer]);
      if (cycle) return cycle;
    }
    state.set(layer, 'done');
    return undefined;
  };
  for (const layer of Object.keys(graph)) {
    const cycle = walk(layer, []);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('layering', () => {
  it('every import in src/ keeps the rules', () => {
    const files = shippedSources(src);
    assert.ok(files.length > 100, `read ${files.length} files`);
    assert.deepEqual(violationsOf(files), []);
  });

  it('nothing in src imports Express: the embedding handler is plain Node (decision 0016)', () => {
    const offenders = shippedSources(src).filter((f) => /from '(express|@types\/express)'/.test(f.text));
    assert.deepEqual(
      offenders.map((f) => f.path),
      [],
    );
  });

  it('allows no cycle between layers, and names every layer it allows', () => {
    assert.equal(cycleIn(MAY_IMPORT), undefined);
    const layers = new Set(readdirSync(src).map((name) => name.replace(/\.ts$/, '')));
    for (const [layer, allowed] of Object.entries(MAY_IMPORT)) {
      assert.ok(layers.has(layer), `${layer} is a folder or file of src/`);
      for (const to of allowed) assert.ok(MAY_IMPORT[to] !== undefined, `${layer} may import ${to}, which is no layer`);
    }
  });

  it('names exactly the scim entry points each layer uses: each exists, and each is imported', () => {
    const files = shippedSources(src);
    const scimFiles = new Set(files.filter((f) => layerOf(f.path) === 'scim').map((f) => f.path));
    for (const [layer, entries] of Object.entries(SCIM_ENTRY_POINTS)) {
      assert.ok(MAY_IMPORT[layer]?.includes('scim'), `${layer} has scim entry points but may not import scim`);
      const used = new Set(files.filter((f) => layerOf(f.path) === layer).flatMap(importsOf));
      for (const entry of entries) {
        assert.ok(scimFiles.has(entry), `${entry} is not in src/`);
        assert.ok(used.has(entry), `${layer} no longer imports ${entry}: take it off SCIM_ENTRY_POINTS`);
      }
    }
  });

  describe('the checker itself', () => {
    const check = (path: string, text: string) => violationsOf([{ path, text }]);

    it('fails an import the layer may not make, static, type-only, re-exported, side-effect or dynamic', () => {
      for (const text of [
        "import { x } from '../http/app.js';",
        "import type { X } from '../http/app.js';",
        "export { x } from '../http/app.js';",
        "export * from '../http/app.js';",
        "import '../http/app.js';",
        "const m = await import('../http/app.js');",
      ]) {
        assert.equal(check('scim/errors.ts', text).length, 1, text);
      }
    });

    it('fails a sideways import the map does not allow, though both layers sit at one level', () => {
      assert.match(check('http/app.ts', "import { views } from '../admin/views.js';").join(), /http may not import admin/);
      assert.match(check('provisioning/runtime.ts', "import { x } from '../events/event-feed.js';").join(), /provisioning may not import events/);
      assert.deepEqual(check('admin/views.ts', "import { renderError } from '../http/error-response.js';"), []);
    });

    it('refuses a dynamic import whose specifier is computed', () => {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the string is source code with a template literal in it, the test's input.
      assert.match(check('http/app.ts', 'const name = "x";\nconst m = await import(`../scim/${name}.js`);').join(), /computed specifier/);
      assert.match(check('http/app.ts', 'const m = await import(where);').join(), /computed specifier/);
      assert.deepEqual(check('http/app.ts', "const m = await import('./metrics.js');"), []);
    });

    it('ignores imports inside comments and strings, and package imports', () => {
      assert.deepEqual(check('scim/errors.ts', "// import { x } from '../http/app.js';\nconst s = \"import '../http/app.js'\";\nimport { z } from 'zod';"), []);
    });

    it('keeps storage/sql to storage/sql, the store opener and the composition root', () => {
      const text = "import { openSqlite } from '../storage/sql/dialects/sqlite.js';";
      assert.match(check('http/error-response.ts', text).join(), /private to storage/);
      assert.match(check('cli/main.ts', "import '../storage/sql/sql-store.js';").join(), /private to storage/);
      assert.match(check('testing/databases.ts', text).join(), /private to storage/);
      assert.match(check('storage/store.ts', "import type { SqlDialect } from './sql/dialects/dialect.js';").join(), /private to storage/);
      assert.deepEqual(check('app/create-server.ts', text), []);
      assert.deepEqual(check('storage/open-store.ts', "import { openSqlite } from './sql/dialects/sqlite.js';"), []);
      assert.deepEqual(check('storage/sql/users.repo.ts', "import { sql } from './filter-to-sql.js';"), []);
    });

    it('lets http and guides use scim only through their own entry points, and admin not at all', () => {
      assert.deepEqual(check('http/scim-routes.ts', "import { bulk } from '../scim/endpoints/bulk.js';\nimport { parseEtag } from '../scim/messages/etag.js';"), []);
      assert.match(check('http/scim-routes.ts', "import { renderUser } from '../scim/resources/render-resource.js';").join(), /entry points/);
      assert.match(check('http/app.ts', "const q = await import('../scim/quirks/index.js');").join(), /entry points/);
      assert.match(check('http/app.ts', "import { x } from '../scim/messages/unknown.js';").join(), /entry points/);
      assert.match(check('http/app.ts', "import { coreUserSchema } from '../scim/schemas/core-user.js';").join(), /entry points for http/);
      assert.match(check('guides/guides.ts', "import { bulk } from '../scim/endpoints/bulk.js';").join(), /entry points for guides/);
      // docs/architecture.md: the admin API calls provisioning, never scim.
      assert.match(check('admin/views.ts', "import { ScimError } from '../scim/errors.js';").join(), /admin may not import scim/);
      assert.match(check('cli/main.ts', "import { ScimError } from '../scim/errors.js';").join(), /cli may not import scim/);
      assert.deepEqual(check('app/create-server.ts', "import { rosterUserSchema } from '../scim/schemas/roster-user.js';"), []);
      assert.match(check('app/embed.ts', "import { rosterUserSchema } from '../scim/schemas/roster-user.js';").join(), /entry points for app/);
    });

    it('keeps the test helpers to tests', () => {
      assert.match(check('http/app.ts', "import { createTestServer } from '../testing/test-server.js';").join(), /only tests/);
    });

    it('finds a cycle in an allowed graph', () => {
      assert.deepEqual(cycleIn({ a: ['b'], b: ['c'], c: ['a'] }), ['a', 'b', 'c', 'a']);
      assert.equal(cycleIn({ a: ['b'], b: [], c: ['a', 'b'] }), undefined);
    });
  });
});
