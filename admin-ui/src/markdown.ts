import { h, scrollsWhenWide, tableWrap, type Child } from './dom.js';

/**
 * The markdown subset the guides are written in (src/guides/), rendered with text nodes only — the
 * guides come from Roster itself, but nothing here ever parses HTML. Paragraphs, nested lists,
 * tables, fenced code, `###` headings; inline **bold**, *italic*, `code` and [links](https://…).
 */
export function inline(text: string): Child[] {
  const out: Child[] = [];
  const pattern = /\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1] !== undefined) out.push(h('strong', null, inline(m[1])));
    else if (m[2] !== undefined) out.push(h('em', null, inline(m[2])));
    else if (m[3] !== undefined) out.push(h('code', null, m[3]));
    else if (m[4] !== undefined && m[5] !== undefined) {
      // Only web links leave the page; a path to another guide stays text.
      out.push(/^https?:\/\//.test(m[5]) ? h('a', { href: m[5], target: '_blank', rel: 'noopener noreferrer' }, m[4]) : m[4]);
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

interface ListItem {
  lines: string[];
}

function renderList(lines: readonly string[]): HTMLElement {
  const ordered = /^\d+\.\s/.test(lines[0] ?? '');
  const items: ListItem[] = [];
  for (const line of lines) {
    const marker = /^(\d+\.|[-*])\s+(.*)$/.exec(line);
    if (marker) items.push({ lines: [marker[2] ?? ''] });
    else items[items.length - 1]?.lines.push(line.replace(/^ {2,3}/, ''));
  }
  return h(
    ordered ? 'ol' : 'ul',
    null,
    items.map((item) => {
      // Continuation lines join the text; an indented list inside becomes a nested list.
      const nestedAt = item.lines.findIndex((l, i) => i > 0 && /^(\d+\.|[-*])\s/.test(l));
      const text = (nestedAt < 0 ? item.lines : item.lines.slice(0, nestedAt)).join(' ');
      return h('li', null, inline(text), nestedAt < 0 ? null : renderBlocks(item.lines.slice(nestedAt).join('\n')));
    }),
  );
}

function renderTable(lines: readonly string[]): HTMLElement {
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split(' | ')
      .map((c) => c.trim());
  const [head, , ...rows] = lines;
  return tableWrap(
    'Table',
    h(
      'table',
      { class: 'data' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          cells(head ?? '').map((c) => h('th', { scope: 'col' }, inline(c))),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            null,
            cells(r).map((c) => h('td', null, inline(c))),
          ),
        ),
      ),
    ),
  );
}

/** Renders one markdown text as a list of block elements. */
export function renderBlocks(text: string): HTMLElement[] {
  const out: HTMLElement[] = [];
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.trim() === '') {
      i++;
    } else if (line.startsWith('```')) {
      const body: string[] = [];
      for (i++; i < lines.length && !(lines[i] ?? '').startsWith('```'); i++) body.push(lines[i] ?? '');
      i++;
      out.push(scrollsWhenWide(h('pre', { class: 'code-block' }, h('code', null, body.join('\n'))), 'Code'));
    } else if (/^#{3,4}\s/.test(line)) {
      out.push(h('h3', { class: 'guide-subheading' }, inline(line.replace(/^#+\s/, ''))));
      i++;
    } else if (line.startsWith('|')) {
      const rows: string[] = [];
      for (; i < lines.length && (lines[i] ?? '').startsWith('|'); i++) rows.push(lines[i] ?? '');
      out.push(renderTable(rows));
    } else if (/^(\d+\.|[-*])\s/.test(line)) {
      const items: string[] = [];
      for (; i < lines.length && ((lines[i] ?? '').trim() !== '' || /^\s+\S|^(\d+\.|[-*])\s/.test(lines[i + 1] ?? '')); i++) {
        if ((lines[i] ?? '').trim() !== '') items.push(lines[i] ?? '');
      }
      out.push(renderList(items));
    } else {
      const para: string[] = [];
      for (; i < lines.length && (lines[i] ?? '').trim() !== '' && !/^(\d+\.|[-*])\s|^\||^```/.test(lines[i] ?? ''); i++) para.push(lines[i] ?? '');
      out.push(h('p', null, inline(para.join(' '))));
    }
  }
  return out;
}
