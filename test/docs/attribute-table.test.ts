// The attribute table is written once: src/guides/attribute-map.ts, checked against the schema
// registry, is what docs/attributes.md, every IdP guide and the console show. These tests hold the
// generated table to its source and every attribute a guide names to the registry, read with the
// same path parser and resolver a SCIM request goes through.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAPPED_ATTRIBUTES, NAMESPACE_SCHEMAS, qualifiedName, type MappedAttribute } from '../../src/guides/attribute-map.js';
import { attributeTableMarkdown, otherCoreAttributes, TABLE_END, TABLE_START, withAttributeTable } from '../../src/guides/attribute-table.js';
import type { PatchPath } from '../../src/scim/filter/ast.js';
import { parsePatchPath } from '../../src/scim/filter/parse-patch-path.js';
import { canonicalPath, resolvePath, userResourceSchema, type ResolvedPath } from '../../src/scim/schemas/registry.js';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** The User resource as /Users accepts it by default: core, enterprise and Roster's extension. */
const users = userResourceSchema([NAMESPACE_SCHEMAS.enterprise, NAMESPACE_SCHEMAS.Roster]);

/** Resolves a written attribute name as a PATCH path or filter would; undefined when Roster does not know it. */
function resolveName(name: string): ResolvedPath | undefined {
  let parsed: PatchPath;
  try {
    parsed = parsePatchPath(name);
  } catch {
    return undefined;
  }
  const resolved = resolvePath(users, parsed.path);
  if (!resolved || parsed.subAttribute === undefined) return resolved;
  // `emails[type eq "work"].value`: the sub-attribute after the value filter.
  const sub = resolved.attribute.subAttributes?.find((a) => a.name.toLowerCase() === parsed.subAttribute!.toLowerCase());
  return sub && !resolved.subAttribute ? { ...resolved, subAttribute: sub } : undefined;
}

const namespaceOf = (resolved: ResolvedPath) =>
  Object.entries(NAMESPACE_SCHEMAS).find(([, schema]) => schema.id === resolved.extension?.id)?.[0] ?? (resolved.extension ? resolved.extension.id : 'core');

/** Rows of every markdown table whose header starts with `firstHeader`. */
function tables(text: string, firstHeader: string): { header: string[]; rows: string[][] }[] {
  const lines = text.split('\n');
  const found: { header: string[]; rows: string[][] }[] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith(`| ${firstHeader} |`)) return;
    const cells = (l: string) =>
      l
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim());
    const rows: string[][] = [];
    for (const row of lines.slice(i + 2)) {
      if (!row.startsWith('|')) break;
      rows.push(cells(row));
    }
    found.push({ header: cells(line), rows });
  });
  return found;
}

const code = (cell: string) => /`([^`]+)`/.exec(cell)?.[1];
const guides = readdirSync(join(root, 'docs', 'idp')).filter((f) => f.endsWith('.md'));

describe('the attribute table', () => {
  it('in docs/attributes.md is what `npm run docs` writes from src/guides/attribute-map.ts', () => {
    const text = read('docs/attributes.md');
    assert.equal(text.split(TABLE_START).length, 2, 'one generated block');
    assert.equal(text, withAttributeTable(text), 'docs/attributes.md is stale: run `npm run docs`');
    assert.ok(text.includes(attributeTableMarkdown()));
  });

  it('goes stale when its source changes, and refuses a document without its markers', () => {
    const text = read('docs/attributes.md');
    const edited = text.replace('| grade | `grade` | Roster | text | O |', '| grade | `grade` | Roster | a number | O |');
    assert.notEqual(edited, text, 'the edit applies');
    assert.notEqual(withAttributeTable(edited), edited);
    assert.throws(() => withAttributeTable(text.replace(TABLE_END, '')), /markers are missing/);
  });

  it('names only attributes the registry has, each in the namespace it says', () => {
    for (const a of MAPPED_ATTRIBUTES) {
      const resolved = resolveName(qualifiedName(a));
      assert.ok(resolved, `${a.label}: ${qualifiedName(a)} resolves`);
      assert.equal(namespaceOf(resolved), a.namespace, `${a.label}: namespace`);
      if (a.oktaName) assert.ok(resolveName(qualifiedName({ ...a, path: a.oktaName })), `${a.label}: Okta's ${a.oktaName} resolves`);
    }
  });

  it('covers every attribute of the enterprise and Roster extensions, and the core attributes a client writes with the rest', () => {
    for (const namespace of ['enterprise', 'Roster'] as const) {
      const mapped = MAPPED_ATTRIBUTES.filter((a) => a.namespace === namespace).map((a) => a.path.toLowerCase());
      assert.deepEqual(NAMESPACE_SCHEMAS[namespace].attributes.map((a) => a.name.toLowerCase()).sort(), mapped.sort(), namespace);
    }
    const core = new Set(MAPPED_ATTRIBUTES.filter((a) => a.namespace === 'core').map((a) => a.path.split(/[.[]/)[0]!));
    const writable = NAMESPACE_SCHEMAS.core.attributes.filter((a) => a.mutability !== 'readOnly' && a.mutability !== 'writeOnly').map((a) => a.name);
    assert.deepEqual(
      writable.filter((name) => !core.has(name)),
      otherCoreAttributes(),
    );
    assert.ok(otherCoreAttributes().includes('displayName'));
    assert.ok(!otherCoreAttributes().includes('password'), 'never stored, so not "accepted and stored"');
    assert.ok(!otherCoreAttributes().includes('groups'), 'read-only: written through /Groups');
  });
});

describe('the IdP guides name only attributes the registry has', () => {
  /** Each mapping table's column holding the attribute name, and whether it is qualified. */
  const NAME_COLUMNS: Record<string, { column: number; qualified: boolean }> = {
    'External name': { column: 1, qualified: false },
    'Target attribute': { column: 1, qualified: true },
    'SCIM attribute': { column: 1, qualified: true },
    'SCIM target': { column: 1, qualified: true },
  };

  it('with the external name and namespace of the attribute each row is labelled with', () => {
    const checked = new Map<string, number>();
    for (const guide of guides) {
      for (const { header, rows } of tables(read(`docs/idp/${guide}`), 'Roster attribute')) {
        const naming = NAME_COLUMNS[header[1] ?? ''];
        if (!naming) continue; // a table of what arrives, by label only (JumpCloud's)
        for (const row of rows) {
          const attribute: MappedAttribute | undefined = MAPPED_ATTRIBUTES.find((a) => a.label === row[0]);
          assert.ok(attribute, `${guide}: "${row[0]}" is an attribute of the table`);
          const written = code(row[naming.column]!);
          assert.ok(written, `${guide}: ${row[0]} names its attribute`);
          const namespace = naming.qualified ? undefined : row[2];
          const full = namespace === undefined || namespace === 'core' ? written : `${NAMESPACE_SCHEMAS[namespace as MappedAttribute['namespace']]?.id}:${written}`;
          const resolved = resolveName(full);
          assert.ok(resolved, `${guide}: ${row[0]} → ${full} is an attribute Roster accepts`);
          assert.equal(namespaceOf(resolved), attribute.namespace, `${guide}: ${row[0]} is in the ${attribute.namespace} namespace`);
          const expected: ResolvedPath = resolveName(qualifiedName(attribute.oktaName && !naming.qualified ? { ...attribute, path: attribute.oktaName } : attribute))!;
          assert.equal(canonicalPath(resolved), canonicalPath(expected), `${guide}: ${row[0]} names ${qualifiedName(attribute)}`);
          checked.set(guide, (checked.get(guide) ?? 0) + 1);
        }
      }
    }
    assert.deepEqual([...checked.keys()].sort(), ['entra-id.md', 'google-workspace.md', 'okta.md', 'pingone.md'], 'the guides with a mapping table');
    assert.equal(checked.get('okta.md'), MAPPED_ATTRIBUTES.length, 'Okta maps every attribute');
  });

  /** Names a guide writes on purpose as the mistake to look for, each with where it is. */
  const WRONG_ON_PURPOSE: Record<string, string> = {
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:businessUnit': "entra-id.md: the FAQ's example of a target attribute with the wrong URN in front",
  };

  it('in every schema-qualified name their prose mentions, but the mistakes they show on purpose', () => {
    const wrongSeen = new Set<string>();
    for (const guide of guides) {
      const text = read(`docs/idp/${guide}`);
      for (const name of text.match(/urn:ietf:params:scim:schemas:(?:core|extension:[A-Za-z0-9]+):2\.0:User:[A-Za-z$][\w$]*(?:\.[A-Za-z$][\w$]*)?/g) ?? []) {
        if (WRONG_ON_PURPOSE[name]?.startsWith(`${guide}:`)) {
          assert.equal(resolveName(name), undefined, `${name} is still a mistake`);
          wrongSeen.add(name);
        } else assert.ok(resolveName(name), `${guide}: ${name} is an attribute Roster accepts`);
      }
    }
    assert.deepEqual([...wrongSeen].sort(), Object.keys(WRONG_ON_PURPOSE).sort(), 'every listed mistake is still shown');
  });

  it('and the check would catch a wrong name or namespace', () => {
    assert.equal(resolveName('urn:ietf:params:scim:schemas:core:2.0:User:department'), undefined);
    assert.equal(resolveName('name.middleNames'), undefined);
    assert.equal(namespaceOf(resolveName('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department')!), 'enterprise');
    assert.equal(namespaceOf(resolveName('urn:ietf:params:scim:schemas:extension:roster:2.0:User:office')!), 'Roster');
    assert.equal(namespaceOf(resolveName('emails[type eq "work"].value')!), 'core');
  });
});
