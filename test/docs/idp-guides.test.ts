import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAPPED_ATTRIBUTES, unknownPath } from '../../src/guides/attribute-map.js';
import { GUIDE_IDPS, guideFor, guideScreenshot } from '../../src/guides/guides.js';
import { guideMarkdown } from '../../src/guides/render-markdown.js';
import { mappingTable, resolveGuide } from '../../src/guides/resolve-guide.js';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

const NAMESPACES: Record<string, string> = {
  core: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  Roster: 'urn:ietf:params:scim:schemas:extension:roster:2.0:User',
};

/** Rows of the first markdown table whose header starts with `firstHeader`. */
function table(text: string, firstHeader: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${firstHeader} |`));
  assert.ok(start >= 0, `a table starting with "${firstHeader}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

const code = (cell: string) => /`([^`]+)`/.exec(cell)?.[1] ?? cell;

/** docs/attributes.md: the attribute table every guide's mapping must match. */
const attributes = table(read('docs/attributes.md'), 'attribute').map(([name, scim, ns, , level]) => ({
  name: name!,
  scim: code(scim!),
  namespace: ns!,
  level: level!,
}));

const guides = readdirSync(join(root, 'docs', 'idp')).filter((f) => f.endsWith('.md'));

describe('the IdP setup guides', () => {
  it('exist for every IdP Roster supports, each in the same shape', () => {
    assert.deepEqual(guides.sort(), ['entra-id.md', 'generic-scim.md', 'google-workspace.md', 'jumpcloud.md', 'okta.md', 'onelogin.md', 'pingone.md']);
    for (const guide of guides) {
      const text = read(`docs/idp/${guide}`);
      for (const heading of ['## Before you start', '## Core concepts', '## Step 1:', '## Test and monitor', '## Recommendations', '## FAQ']) {
        assert.ok(text.includes(heading), `${guide} has "${heading}"`);
      }
      for (const page of ['People overview', 'Group management', 'User provisioning', 'Provisioning log', 'Last SCIM request']) {
        assert.ok(text.includes(page), `${guide} says where to look: ${page}`);
      }
    }
  });

  it('give Okta an External name and External namespace for every attribute in docs/attributes.md', () => {
    assert.equal(attributes.length, 27);
    const rows = table(read('docs/idp/okta.md'), 'Roster attribute');
    for (const a of attributes) {
      const row = rows.find((r) => r[0] === a.name);
      assert.ok(row, `okta.md maps ${a.name}`);
      const externalName = code(row[1]!);
      assert.ok(externalName === a.scim || (a.name === 'manager' && externalName === 'manager.value'), `${a.name}: External name ${externalName}`);
      assert.equal(row[2], a.namespace, `${a.name}: External namespace`);
      assert.equal(row[4], a.level, `${a.name}: M/R/O`);
    }
    for (const [short, urn] of Object.entries(NAMESPACES)) assert.ok(read('docs/idp/okta.md').includes(`${short} — \`${urn}\``), `okta.md spells out ${short}`);
  });

  it('give Entra ID the full target attribute name for every attribute', () => {
    const rows = table(read('docs/idp/entra-id.md'), 'Roster attribute');
    for (const a of attributes) {
      const row = rows.find((r) => r[0] === a.name);
      assert.ok(row, `entra-id.md maps ${a.name}`);
      const expected = a.namespace === 'core' ? a.scim : `${NAMESPACES[a.namespace]}:${a.scim}`;
      assert.equal(code(row[1]!), expected, `${a.name}: target attribute`);
    }
  });

  it('use the namespaces Roster publishes in every attribute they name', () => {
    for (const guide of guides) {
      const text = read(`docs/idp/${guide}`);
      for (const urn of text.match(/urn:ietf:params:scim:schemas:[A-Za-z0-9:.]+/g) ?? []) {
        assert.ok(
          Object.values(NAMESPACES).some((ns) => urn === ns || urn.startsWith(`${ns}:`)) || /PatchOp|Group$/.test(urn),
          `${guide}: ${urn} is a namespace Roster knows`,
        );
      }
    }
  });

  it('are exactly what src/guides/ generates (the console shows the same source): run `npm run guides` after editing it', () => {
    for (const idp of GUIDE_IDPS) {
      assert.equal(read(`docs/idp/${idp}.md`), guideMarkdown(resolveGuide(guideFor(idp))), `docs/idp/${idp}.md is stale`);
    }
  });

  it("show a picture of the IdP's guided setup that is in the repository", () => {
    for (const idp of GUIDE_IDPS) {
      const images = [...read(`docs/idp/${idp}.md`).matchAll(/!\[[^\]]+\]\(([^)]+)\)/g)].map((m) => m[1]!);
      assert.deepEqual(images, [guideScreenshot(idp)], `docs/idp/${idp}.md shows its screenshot`);
      assert.ok(existsSync(join(root, 'docs', 'idp', images[0]!)), `docs/idp/${images[0]} exists (UPDATE_SCREENSHOTS=1 with test/browser/setup-link.test.ts takes it)`);
    }
  });

  it('map only attributes the schema registry knows, and every attribute of docs/attributes.md', () => {
    for (const a of MAPPED_ATTRIBUTES) assert.equal(unknownPath(a), undefined);
    assert.deepEqual(
      MAPPED_ATTRIBUTES.map((a) => a.label),
      attributes.map((a) => a.name),
    );
    // A path Roster does not accept cannot reach a guide.
    assert.match(String(unknownPath({ path: 'name.middleNames', namespace: 'core' })), /no sub-attribute/);
    assert.match(String(unknownPath({ path: 'department', namespace: 'core' })), /no attribute department/);
    assert.throws(() => mappingTable('okta', { 'Favourite colour': 'user.colour' }), /no attribute labelled Favourite colour/);
  });

  it('give every IdP the tenant values, a token step, the live check, failure help and group steps', () => {
    for (const idp of GUIDE_IDPS) {
      const guide = resolveGuide(guideFor(idp));
      const blocks = guide.sections.flatMap((s) => s.blocks.map((b) => b.type));
      for (const type of ['scim-url', 'token', 'live-check', 'if-it-fails']) assert.ok(blocks.includes(type as never), `${idp} has ${type}`);
      assert.ok(guide.sections.filter((s) => s.kind === 'credentials' || s.kind === 'step').length >= 2, `${idp} has numbered steps`);
      assert.match(JSON.stringify(guide), /[Gg]roups?/, `${idp} says how groups arrive`);
    }
  });
});
