import { api } from '../api.js';
import { fill, h } from '../dom.js';
import { tenantPath } from '../router.js';
import type { LogEntry } from '../types.js';
import { badge, errorBox, loading, table, when } from '../ui.js';

const REASONS: Record<string, string> = {
  unknownAttribute: 'not an attribute of this schema',
  notCoreAttribute: 'not a core User attribute',
  readOnly: 'read-only',
  password: 'passwords are never stored',
  unknownSchema: 'unknown schema',
  nullValue: 'null value',
};

export function statusBadge(status: number): HTMLElement {
  return badge(String(status), status >= 500 ? 'red' : status >= 400 ? 'amber' : 'green', status >= 400 ? 'Error' : 'Success');
}

function methodBadge(method: string): HTMLElement {
  return h('span', { class: `method method-${method.toLowerCase()}` }, method);
}

/** "Did you mean …?", and for an unknown schema which of its attributes the meant one has. */
function suggestionOf(i: LogEntry['ignored'][number]): HTMLElement | null {
  if (!i.suggestion) return null;
  const { matches } = i;
  if (matches.length === 0) return h('span', { class: 'suggestion' }, '. Did you mean ', h('code', null, i.suggestion), '?');
  const names = matches.flatMap((m, n) => (n === 0 ? [h('code', null, m)] : [', ', h('code', null, m)]));
  return h(
    'span',
    { class: 'suggestion' },
    `; its attribute${matches.length === 1 ? '' : 's'} `,
    ...names,
    ` ${matches.length === 1 ? 'is an attribute' : 'are attributes'} of `,
    h('code', null, i.suggestion),
    '. Did you mean that schema URN?',
  );
}

/** The notes of one request: what changed, what was ignored (and what was meant), normalisers, errors. */
export function notes(entry: LogEntry): HTMLElement {
  const lines: HTMLElement[] = [];
  if (entry.changes.length > 0) lines.push(h('li', { class: 'note note-change' }, h('span', { class: 'note-label' }, 'Changed'), entry.changes.join(', ')));
  else if (!entry.error && entry.status < 400) lines.push(h('li', { class: 'note muted' }, entry.changed ? 'Changed data' : 'No change'));
  for (const i of entry.ignored) {
    lines.push(
      h(
        'li',
        { class: 'note note-ignored' },
        h('span', { class: 'note-label' }, 'Ignored'),
        h('code', null, i.path),
        ` — ${REASONS[i.reason] ?? i.reason}`,
        suggestionOf(i),
      ),
    );
  }
  for (const n of entry.normalisers) lines.push(h('li', { class: 'note note-normaliser' }, h('span', { class: 'note-label' }, 'Normaliser'), h('code', null, n)));
  for (const w of entry.warnings) lines.push(h('li', { class: 'note note-ignored' }, h('span', { class: 'note-label' }, 'Warning'), w));
  for (const l of entry.leniencies) lines.push(h('li', { class: 'note note-normaliser' }, h('span', { class: 'note-label' }, 'Accepted'), l));
  if (entry.error) lines.push(h('li', { class: 'note note-error' }, h('span', { class: 'note-label' }, 'Error'), entry.error));
  return h('ul', { class: 'notes' }, lines);
}

function resource(slug: string, entry: LogEntry): HTMLElement | string {
  if (!entry.resourceType || !entry.resourceId) return h('span', { class: 'muted' }, '—');
  const href =
    entry.resourceType === 'User' ? tenantPath(slug, 'people', entry.resourceId) : entry.resourceType === 'Group' ? tenantPath(slug, 'groups', entry.resourceId) : null;
  const label = `${entry.resourceType} ${entry.resourceId.slice(-8)}`;
  return href ? h('a', { href, title: entry.resourceId }, label) : label;
}

/** A value as it reads in a before/after list: absent as a dash, text as itself, the rest as JSON. */
function shown(value: LogEntry['diff'][number]['before']): HTMLElement {
  if (value === null) return h('span', { class: 'muted' }, '(none)');
  return h('code', null, typeof value === 'string' ? value : JSON.stringify(value));
}

function diffTable(entry: LogEntry): HTMLElement | null {
  if (entry.diff.length === 0) return null;
  return table(
    'Before and after',
    [
      { header: 'Attribute', cell: (c: LogEntry['diff'][number]) => h('code', null, c.attribute) },
      { header: 'Before', cell: (c: LogEntry['diff'][number]) => shown(c.before) },
      { header: 'After', cell: (c: LogEntry['diff'][number]) => shown(c.after) },
    ],
    entry.diff,
  );
}

function body(label: string, text: string | null): HTMLElement {
  return h(
    'div',
    { class: 'log-body' },
    h('h4', null, label),
    text === null ? h('p', { class: 'muted' }, 'Not kept (no body, a streamed answer, or an entry from before bodies were kept).') : h('pre', { tabindex: '0' }, text),
  );
}

/**
 * One entry's detail, folded: before/after of what changed, and the request and response bodies
 * (secrets redacted by the server), fetched when first opened so the list stays light.
 */
function detail(slug: string, entry: LogEntry): HTMLElement {
  const bodies = h('div', { class: 'log-bodies' });
  let loaded = false;
  const summaryText = entry.event ? `Details (${entry.event})` : 'Details';
  return h(
    'details',
    {
      class: 'log-detail',
      'data-entry': entry.id,
      ontoggle: async (event: Event) => {
        if (loaded || !(event.currentTarget instanceof HTMLDetailsElement) || !event.currentTarget.open) return;
        loaded = true;
        fill(bodies, loading());
        try {
          const found = await api.logEntry(slug, entry.id);
          fill(bodies, body('Request body', found.requestBody), body('Response body', found.responseBody));
        } catch (error) {
          loaded = false;
          fill(bodies, errorBox(error));
        }
      },
    },
    h('summary', null, summaryText),
    diffTable(entry),
    bodies,
  );
}

/** SCIM requests as a table: the provisioning log, and a person's history. */
export function logTable(slug: string, caption: string, entries: readonly LogEntry[], options: { withClient?: boolean } = {}): HTMLElement {
  return table(
    caption,
    [
      {
        header: options.withClient === false ? 'Time' : 'Time and client',
        cell: (e: LogEntry) =>
          h(
            'div',
            { class: 'cell-main' },
            when(e.at),
            options.withClient === false ? null : h('span', { class: 'muted client', title: e.client ?? '' }, e.client ?? 'unknown client'),
            e.credential ? h('span', { class: 'muted' }, `via ${e.credential}`) : null,
          ),
        className: 'nowrap',
      },
      { header: 'Request', cell: (e: LogEntry) => h('div', { class: 'request' }, methodBadge(e.method), h('code', { class: 'path', title: e.path }, e.path)) },
      { header: 'Status', cell: (e: LogEntry) => statusBadge(e.status) },
      { header: 'Duration', cell: (e: LogEntry) => `${e.durationMs} ms`, numeric: true },
      { header: 'Resource', cell: (e: LogEntry) => resource(slug, e), className: 'nowrap' },
      { header: 'What happened', cell: (e: LogEntry) => h('div', null, notes(e), detail(slug, e)), className: 'notes-cell' },
    ],
    entries,
  );
}
