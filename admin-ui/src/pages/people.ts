import { api } from '../api.js';
import { fill, h } from '../dom.js';
import { FOLDER_KINDS, number } from '../format.js';
import type { PageContext } from '../main.js';
import { BASE, currentQuery, navigate, tenantPath } from '../router.js';
import type { Folder } from '../types.js';
import { emptyState, field, loading, pageHeader, pager, section, select } from '../ui.js';
import { peopleTable } from './people-table.js';

/** The query's filters, and `sort`, which a filter change keeps (the server checks its value). */
const FILTERS = ['q', 'status', 'folder', 'group', 'incomplete', 'source', 'sort'] as const;
const PAGE_SIZE = '50';
/** Cursors of the pages before this one, per filter, so Previous works without offsets. */
const previous = new Map<string, string[]>();

/** People overview: search and filters run in the database, pages come by cursor. */
export async function renderPeople(main: HTMLElement, ctx: PageContext): Promise<void> {
  const slug = ctx.tenant.slug;
  const query = currentQuery();
  const value = (name: string) => query.get(name) ?? '';
  const filterKey = `${slug}?${FILTERS.map((f) => `${f}=${value(f)}`).join('&')}`;
  const results = h('div', { id: 'people-results' }, loading());

  // Everyone these filters match (not only this page), streamed by the server as the file downloads.
  const filters = new URLSearchParams(FILTERS.flatMap((f) => (value(f) ? [[f, value(f)] as [string, string]] : [])));
  const csv = `${BASE}/api/v1/tenants/${encodeURIComponent(slug)}/people.csv${filters.size > 0 ? `?${filters.toString()}` : ''}`;
  const exportLink = h('a', { class: 'button button-secondary', href: csv, download: `${slug}-people.csv`, id: 'export-csv' }, 'Export CSV');
  fill(main, pageHeader('People overview', 'Everyone your identity provider has provisioned to this tenant.', exportLink), results);

  const [page, folders, groups] = await Promise.all([
    api.people(slug, { ...Object.fromEntries(FILTERS.map((f) => [f, value(f)])), cursor: value('cursor'), limit: PAGE_SIZE }),
    api.folders(slug),
    api.groups(slug, { limit: '200' }),
  ]);
  if (!ctx.current()) return;

  const go = (params: Record<string, string>) => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) next.set(k, v);
    const text = next.toString();
    navigate(`${tenantPath(slug, 'people')}${text ? `?${text}` : ''}`);
  };
  const current = Object.fromEntries(FILTERS.map((f) => [f, value(f)]));

  const byKind = (kind: Folder['kind']) => folders.folders.filter((f) => f.kind === kind).map((f) => [f.id, f.value] as const);
  const search = h('input', {
    id: 'filter-q',
    name: 'q',
    type: 'search',
    value: value('q'),
    placeholder: 'Name, userName, email or title',
    autocomplete: 'off',
    'aria-describedby': 'filter-q-hint',
  });
  const status = select(
    'filter-status',
    [
      ['', 'Any status'],
      ['active', 'Active'],
      ['inactive', 'Inactive'],
    ],
    value('status'),
  );
  const folder = select(
    'filter-folder',
    [['', 'Any folder']],
    value('folder'),
    (['department', 'division', 'organization'] as const).map((k) => ({ label: FOLDER_KINDS[k] ?? k, options: byKind(k) })),
  );
  const group = select('filter-group', [['', 'Any group'], ...groups.groups.map((g) => [g.id, g.displayName] as const)], value('group'));
  const incomplete = select(
    'filter-incomplete',
    [
      ['', 'Any profile'],
      ['true', 'Incomplete'],
      ['false', 'Complete'],
    ],
    value('incomplete'),
  );
  const source = select(
    'filter-source',
    [
      ['', 'Any source'],
      ['scim', 'SCIM'],
      ['sso', 'SSO login'],
      ['admin', 'Admin'],
      ['import', 'Import'],
    ],
    value('source'),
  );
  const filtered = FILTERS.some((f) => f !== 'sort' && value(f) !== '');

  const form = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': 'Filter people',
      onsubmit: (event: Event) => {
        event.preventDefault();
        previous.delete(filterKey);
        go({
          q: search.value.trim(),
          status: status.value,
          folder: folder.value,
          group: group.value,
          incomplete: incomplete.value,
          source: source.value,
          sort: value('sort'),
        });
      },
    },
    // Under three characters the search matches only the start of a userName, display name or
    // email: no text index can find two characters inside a name (docs/decisions/0012).
    h('div', { class: 'filter-search' }, field('Search', search, 'Type 3 or more characters to search inside names, emails and titles.')),
    field('Status', status),
    field('Folder', folder),
    field('Group', group),
    field('Profile', incomplete),
    field('Source', source),
    h(
      'div',
      { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'button button-primary' }, 'Apply'),
      filtered ? h('a', { class: 'button button-ghost', href: tenantPath(slug, 'people') }, 'Clear') : null,
    ),
  );

  const stack = previous.get(filterKey) ?? [];
  const cursor = value('cursor');
  const from = stack.length * Number(PAGE_SIZE) + 1;
  let body: HTMLElement;
  if (page.total === 0 && !filtered) {
    body = emptyState(
      'No people yet.',
      'Connect your identity provider on the User provisioning page: generate a token there, paste the SCIM URL and token into the IdP, and people appear here as soon as it sends them.',
      h('a', { class: 'button button-primary', href: tenantPath(slug, 'provisioning') }, 'Go to User provisioning'),
    );
  } else if (page.people.length === 0) {
    body = emptyState(
      'No one matches these filters.',
      'Change the search or the filters, or clear them to see everyone.',
      h('a', { class: 'button button-secondary', href: tenantPath(slug, 'people') }, 'Clear filters'),
    );
  } else {
    body = h(
      'div',
      null,
      // A new order starts at its first page: a cursor belongs to the order it was made in.
      peopleTable(slug, 'People', page.people, {
        current: value('sort'),
        onSort: (sort) => {
          previous.delete(filterKey);
          go({ ...current, sort });
        },
      }),
      pager({
        noun: 'people',
        from,
        count: page.people.length,
        total: page.total,
        totalExact: page.totalExact,
        ...(cursor
          ? {
              onPrevious: () => {
                const before = stack.slice(0, -1);
                previous.set(filterKey, before);
                go({ ...current, cursor: stack[stack.length - 1] ?? '' });
              },
            }
          : {}),
        ...(page.nextCursor
          ? {
              onNext: () => {
                previous.set(filterKey, [...stack, cursor]);
                go({ ...current, cursor: page.nextCursor ?? '' });
              },
            }
          : {}),
      }),
    );
  }
  fill(
    results,
    section(
      `${page.totalExact ? number(page.total) : `More than ${number(page.total)}`} ${filtered ? 'matching' : page.total === 1 && page.totalExact ? 'person' : 'people'}`,
      [form, body],
      { id: 'people' },
    ),
  );
}
