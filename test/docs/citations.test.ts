import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

/**
 * Every document a code comment cites must be in the repository: a comment naming `x.md` (beside
 * the file or from the repository root) names a file that exists, and `x.md#anchor` a heading of
 * it. Citations of `docs/….md` are checked in strings too (a normaliser's `evidence` is a string).
 * Anything else a comment cites is a public standard (RFC 7644 §3.5.2) or a URL.
 */
const root = join(import.meta.dirname, '..', '..');

const CODE_FOLDERS = ['src', 'test', 'bench', 'scripts', 'bin', 'admin-ui/src'];
const CODE_FILE = /\.(?:ts|tsx|mts|js|mjs|cjs)$/;
/** The recorded IdP exchanges name their evidence in JSON. */
const RECORDINGS = 'src/scim/quirks/fixtures/replays';

function codeFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) codeFiles(full, out);
    else if (CODE_FILE.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** The text of every comment in a source file, read by TypeScript's parser (not fooled by strings or regexes). */
function commentsOf(path: string, text: string): string[] {
  const kind = path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
  const seen = new Set<number>();
  const comments: string[] = [];
  const take = (ranges: readonly ts.CommentRange[] | undefined) => {
    for (const range of ranges ?? []) {
      if (seen.has(range.pos)) continue;
      seen.add(range.pos);
      comments.push(text.slice(range.pos, range.end));
    }
  };
  const visit = (node: ts.Node) => {
    take(ts.getLeadingCommentRanges(text, node.pos));
    take(ts.getTrailingCommentRanges(text, node.end));
    for (const child of node.getChildren(source)) visit(child);
  };
  visit(source);
  return comments;
}

const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi;
const MD_CITATION = /(?:[\w.-]+\/)*[\w.-]+\.md(?:#[\w-]+)?/g;
const DOCS_CITATION = /\bdocs\/(?:[\w.-]+\/)*[\w.-]+\.md(?:#[\w-]+)?/g;

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  const text = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** Every anchor a markdown text offers: its headings (outside code fences), repeats numbered, and explicit ids. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const base = slug(heading[1]!);
      const n = counts.get(base) ?? 0;
      counts.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const id of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(id[1]!);
  }
  return anchors;
}

/** What is wrong with one citation made from `fromFile`, or undefined when it resolves. */
function problemWith(
  citation: string,
  fromFile: string,
  readMarkdown: (path: string) => string | undefined,
  { besideOnly = false }: { besideOnly?: boolean } = {},
): string | undefined {
  const [path, anchor] = citation.split('#') as [string, string | undefined];
  const candidates = path === '' ? [fromFile] : besideOnly ? [join(dirname(fromFile), path)] : [join(dirname(fromFile), path), join(root, path)];
  const found = candidates.find((candidate) => readMarkdown(candidate) !== undefined);
  if (!found) return `${citation}: no such file beside ${relative(root, fromFile)}${besideOnly ? '' : ' or at the repository root'}`;
  if (anchor !== undefined && found.endsWith('.md') && !anchorsOf(readMarkdown(found)!).has(anchor)) {
    return `${citation}: ${relative(root, found)} has no heading with the anchor #${anchor}`;
  }
  return undefined;
}

/** The citations a source text makes: any `*.md` in its comments, `docs/….md` anywhere (a JSON file has only the latter). */
function citationsIn(path: string, text: string): string[] {
  if (path.endsWith('.json')) return [...new Set(text.replace(URL_PATTERN, '').match(DOCS_CITATION) ?? [])];
  const inComments = commentsOf(path, text).flatMap((c) => c.replace(URL_PATTERN, '').match(MD_CITATION) ?? []);
  const anywhere = text.replace(URL_PATTERN, '').match(DOCS_CITATION) ?? [];
  return [...new Set([...inComments, ...anywhere])];
}

const readFromDisk = (path: string): string | undefined => (existsSync(path) && statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined);

/** Every markdown file of the repository. */
function markdownFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) markdownFiles(full, out);
    else if (name.endsWith('.md')) out.push(full);
  }
  return out;
}

/** The relative link targets of a markdown text (`[text](target)`), code blocks and spans left out. */
function linksIn(markdown: string): string[] {
  const prose = markdown.replace(/^\s*(```|~~~)[\s\S]*?^\s*\1/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('citations in code', () => {
  it('every *.md a comment cites, and every docs/….md anywhere, exists with the heading its #anchor names', () => {
    const problems: string[] = [];
    let count = 0;
    // This file's own examples cite documents that exist only in the checker's tests below.
    const recordings = readdirSync(join(root, RECORDINGS))
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(root, RECORDINGS, f));
    const files = [...CODE_FOLDERS.flatMap((folder) => codeFiles(join(root, folder))), ...recordings].filter((f) => f !== import.meta.filename);
    for (const file of files) {
      for (const citation of citationsIn(file, readFileSync(file, 'utf8'))) {
        count++;
        const problem = problemWith(citation, file, readFromDisk);
        if (problem) problems.push(`${relative(root, file)}: ${problem}`);
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(count > 50, `found only ${count} citations: is the reader still reading comments?`);
  });

  it("every relative link in the repository's markdown reaches a file, and a heading when it names one", () => {
    const problems: string[] = [];
    // A folder, or a file that is not markdown (a screenshot), only needs to exist.
    const exists = (path: string) => (!existsSync(path) ? undefined : path.endsWith('.md') && statSync(path).isFile() ? readFileSync(path, 'utf8') : '');
    for (const file of markdownFiles(root)) {
      for (const link of linksIn(readFileSync(file, 'utf8'))) {
        const problem = problemWith(decodeURIComponent(link), file, exists, { besideOnly: true });
        if (problem) problems.push(`${relative(root, file)}: ${problem}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('every recorded IdP exchange cites its evidence by anchor', () => {
    for (const file of readdirSync(join(root, RECORDINGS)).filter((f) => f.endsWith('.json'))) {
      const recording = JSON.parse(readFileSync(join(root, RECORDINGS, file), 'utf8')) as { exchanges: { name: string; evidence: string }[] };
      for (const { name, evidence } of recording.exchanges) assert.match(evidence, /^docs\/idp-behaviors\.md#[a-z-]+/, `${file} ${name}`);
    }
  });

  it('the normalisers cite the IdP evidence by anchor', () => {
    const cited = codeFiles(join(root, 'src', 'scim', 'quirks'))
      .filter((f) => !f.endsWith('.test.ts'))
      .flatMap((f) => citationsIn(f, readFileSync(f, 'utf8')))
      .filter((c) => c.startsWith('docs/idp-behaviors.md#'));
    assert.ok(cited.length >= 8, cited.join());
  });

  describe('the checker itself', () => {
    const docs: Record<string, string> = {
      [join(root, 'docs', 'guide.md')]: '# Guide\n\n## Entra quirks\n\n```sh\n# not a heading\n```\n\n## `Okta` example requests\n\n## Entra quirks\n',
      [join(root, 'src', 'a', 'NOTES.md')]: '# Notes\n',
    };
    const read = (path: string) => docs[path];
    const from = join(root, 'src', 'a', 'b.ts');

    it('reads anchors as GitHub makes them', () => {
      assert.deepEqual([...anchorsOf(docs[join(root, 'docs', 'guide.md')]!)], ['guide', 'entra-quirks', 'okta-example-requests', 'entra-quirks-1']);
      assert.equal(slug("The host product's side"), 'the-host-products-side');
    });

    it('accepts a file beside the citing one or at the root, and an anchor it has', () => {
      assert.equal(problemWith('NOTES.md', from, read), undefined);
      assert.equal(problemWith('docs/guide.md#entra-quirks-1', from, read), undefined);
    });

    it('refuses a missing file, a file outside the repository, and a missing anchor', () => {
      assert.match(problemWith('docs/missing.md', from, read) ?? '', /no such file/);
      assert.match(problemWith('idp-behaviors.md', from, read) ?? '', /no such file/);
      assert.match(problemWith('docs/guide.md#not-a-heading', from, read) ?? '', /no heading/);
    });

    it('reads markdown links outside code, and resolves them beside the file only', () => {
      assert.deepEqual(linksIn('See [a](guide.md#x) and [b](https://example.com/c.md).\n```\n[c](d.md)\n```\n`[e](f.md)`'), ['guide.md#x']);
      assert.match(problemWith('NOTES.md', join(root, 'docs', 'x.md'), read, { besideOnly: true }) ?? '', /no such file/);
      assert.equal(problemWith('#entra-quirks', join(root, 'docs', 'guide.md'), read, { besideOnly: true }), undefined);
    });

    it('finds citations in comments of every kind and docs/ paths in strings, not other strings or URLs', () => {
      const text = [
        '// see docs/guide.md#entra-quirks',
        '/** and NOTES.md */',
        "const evidence = 'fixtures/x.json; docs/guide.md#okta-example-requests';",
        "const names = ['okta.md', 'README.md'];",
        '// https://github.com/x/y/blob/main/README.md is public',
        'const r = /\\/\\/ not.md/;',
      ].join('\n');
      assert.deepEqual(citationsIn(from, text).sort(), ['NOTES.md', 'docs/guide.md#entra-quirks', 'docs/guide.md#okta-example-requests']);
    });
  });
});
