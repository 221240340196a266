import { announce, h, icon, ICONS, tableWrap, type Child } from './dom.js';
import { ago, exact } from './format.js';

/** The heading of a page, focused after each navigation so screen readers hear where they are. */
export function pageHeader(title: string, description?: Child, actions?: Child, crumbs?: Child): HTMLElement {
  return h(
    'header',
    { class: 'page-header' },
    crumbs ? h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, crumbs) : null,
    h(
      'div',
      { class: 'page-header-row' },
      h('div', null, h('h1', { tabindex: '-1', id: 'page-title' }, title), description ? h('p', { class: 'page-description' }, description) : null),
      actions ? h('div', { class: 'page-actions' }, actions) : null,
    ),
  );
}

export function section(title: string, body: Child, options: { id?: string; actions?: Child; description?: Child } = {}): HTMLElement {
  const headingId = `${options.id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-heading`;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': headingId, ...(options.id ? { id: options.id } : {}) },
    h(
      'div',
      { class: 'card-header' },
      h('div', null, h('h2', { id: headingId }, title), options.description ? h('p', { class: 'card-description' }, options.description) : null),
      options.actions ? h('div', { class: 'card-actions' }, options.actions) : null,
    ),
    h('div', { class: 'card-body' }, body),
  );
}

export interface Column<T> {
  readonly header: string;
  readonly cell: (row: T) => Child;
  readonly numeric?: boolean;
  readonly className?: string;
  /** Orders the table by this column: the header becomes buttons (one per order it offers) and says the current order in aria-sort. */
  readonly sort?: ColumnSort;
}

/** A column's sort: what its header buttons offer, the order now in force, and how to change it. */
export interface ColumnSort {
  /** Label and key of each order the header offers (Name and userName share one column). */
  readonly keys: readonly { readonly label: string; readonly key: string }[];
  /** The table's current order: a key, `-` first for descending, or '' for the default. */
  readonly current: string;
  readonly onSort: (sort: string) => void;
}

/** A sortable header: each button orders ascending, then descending on a second click. */
function sortHeader(sort: ColumnSort): { attrs: Record<string, string>; children: Child } {
  const active = sort.keys.find((k) => sort.current === k.key || sort.current === `-${k.key}`);
  const descending = sort.current.startsWith('-');
  const buttons = sort.keys.map((k) => {
    const on = k === active;
    const next = on && !descending ? `-${k.key}` : k.key;
    return h('button', { type: 'button', class: 'sort-button', 'data-sort': k.key, onclick: () => sort.onSort(next) }, k.label, on ? (descending ? ' ↓' : ' ↑') : null);
  });
  return {
    attrs: { 'aria-sort': active ? (descending ? 'descending' : 'ascending') : 'none' },
    children: buttons.flatMap((b, i) => (i === 0 ? [b] : [' · ', b])),
  };
}

/** A data table with a caption for screen readers and column headers. */
export function table<T>(caption: string, columns: readonly Column<T>[], rows: readonly T[], rowClass?: (row: T) => string | undefined): HTMLElement {
  return tableWrap(
    caption,
    h(
      'table',
      { class: 'data' },
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          columns.map((c) => {
            const sorted = c.sort ? sortHeader(c.sort) : undefined;
            return h(
              'th',
              { scope: 'col', class: [c.numeric ? 'num' : '', c.className ?? ''].join(' ').trim() || null, ...(sorted?.attrs ?? {}) },
              sorted ? sorted.children : c.header,
            );
          }),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((row) =>
          h(
            'tr',
            { class: rowClass?.(row) ?? null },
            columns.map((c) => h('td', { class: [c.numeric ? 'num' : '', c.className ?? ''].join(' ').trim() || null }, c.cell(row))),
          ),
        ),
      ),
    ),
  );
}

/** What to do when there is nothing to show: always says the next step. */
export function emptyState(title: string, next: Child, action?: Child): HTMLElement {
  return h(
    'div',
    { class: 'empty', role: 'status' },
    h('p', { class: 'empty-title' }, title),
    h('p', { class: 'empty-next' }, next),
    action ? h('div', { class: 'empty-action' }, action) : null,
  );
}

export function badge(text: string, tone: 'green' | 'grey' | 'amber' | 'red' | 'blue' | 'indigo' = 'grey', title?: string): HTMLElement {
  return h('span', { class: `badge badge-${tone}`, ...(title ? { title } : {}) }, text);
}

/** A timestamp as "3 minutes ago", the exact time on hover and for screen readers. */
export function when(iso: string | null): HTMLElement {
  if (!iso) return h('span', { class: 'muted' }, 'never');
  return h('time', { datetime: iso, title: exact(iso) }, ago(iso));
}

export function errorBox(error: unknown): HTMLElement {
  const message = error instanceof Error ? error.message : String(error);
  return h('div', { class: 'callout callout-error', role: 'alert' }, h('strong', null, 'Something went wrong. '), message);
}

/** A read-only value with a Copy button; the result is announced. */
export function copyField(label: string, value: string, options: { id: string; secret?: boolean; hint?: Child } = { id: '' }): HTMLElement {
  const input = h('input', {
    id: options.id,
    type: 'text',
    readonly: true,
    value,
    class: `copy-input${options.secret ? ' secret' : ''}`,
    spellcheck: 'false',
    autocomplete: 'off',
  });
  const button = h(
    'button',
    {
      type: 'button',
      class: 'button button-secondary copy-button',
      'aria-label': `Copy ${label}`,
      onclick: async () => {
        input.select();
        let copied = false;
        try {
          await navigator.clipboard.writeText(value);
          copied = true;
        } catch {
          copied = document.execCommand('copy');
        }
        button.lastChild!.textContent = copied ? 'Copied' : 'Press Ctrl+C';
        announce(copied ? `${label} copied to the clipboard` : `Select and press Control C to copy the ${label}`);
        window.setTimeout(() => (button.lastChild!.textContent = 'Copy'), 2000);
      },
    },
    icon(ICONS.copy),
    h('span', null, 'Copy'),
  );
  return h(
    'div',
    { class: 'field copy-field' },
    h('label', { for: options.id }, label),
    h('div', { class: 'copy-row' }, input, button),
    options.hint ? h('p', { class: 'hint' }, options.hint) : null,
  );
}

/** "Showing 1–50 of 1,234" with Previous / Next. */
export function pager(options: {
  from: number;
  count: number;
  total: number;
  totalExact?: boolean;
  onPrevious?: () => void;
  onNext?: () => void;
  noun: string;
}): HTMLElement {
  const { from, count, total } = options;
  // A count the server stopped at is said as such ("of at least 2,000"), never as the number.
  const of = `${options.totalExact === false ? 'at least ' : ''}${total.toLocaleString('en-GB')}`;
  const range = count === 0 ? `0 ${options.noun}` : `${from.toLocaleString('en-GB')}–${(from + count - 1).toLocaleString('en-GB')} of ${of} ${options.noun}`;
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    h('p', { class: 'muted', 'aria-live': 'polite' }, range),
    h(
      'div',
      { class: 'pager-buttons' },
      h('button', { type: 'button', class: 'button button-secondary', disabled: !options.onPrevious, onclick: () => options.onPrevious?.() }, 'Previous'),
      h('button', { type: 'button', class: 'button button-secondary', disabled: !options.onNext, onclick: () => options.onNext?.() }, 'Next'),
    ),
  );
}

/** A labelled form control. */
export function field(label: string, control: HTMLElement, hint?: Child): HTMLElement {
  const id = control.id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null);
}

export function select(
  id: string,
  options: readonly (readonly [string, string])[],
  value: string,
  groups?: readonly { label: string; options: readonly (readonly [string, string])[] }[],
): HTMLSelectElement {
  const control = h(
    'select',
    { id, name: id },
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
    (groups ?? []).map((g) =>
      h(
        'optgroup',
        { label: g.label },
        g.options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
      ),
    ),
  );
  return control;
}

export function loading(): HTMLElement {
  return h('p', { class: 'loading', role: 'status' }, 'Loading…');
}
