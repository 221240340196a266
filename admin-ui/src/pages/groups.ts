import { api } from '../api.js';
import { fill, h } from '../dom.js';
import { FOLDER_KINDS, number } from '../format.js';
import type { PageContext } from '../main.js';
import { currentQuery, navigate, tenantPath } from '../router.js';
import type { Folder, Group, Person } from '../types.js';
import { badge, emptyState, field, pageHeader, section, table, when } from '../ui.js';
import { cursorPager, peopleTable, resetPager } from './people-table.js';

const PAGE = 50;

/** Counts stop at 10,000 on the server: past it the cell says "10,000+" and its title says why. */
function countCell(n: number, exact: boolean): HTMLElement {
  if (n === 0) return badge('Empty', 'grey', 'No members');
  return exact ? h('span', null, number(n)) : h('span', { title: `More than ${number(n)} members (counting stops there)` }, `${number(n)}+`);
}

/** Group management: pushed groups and attribute folders, with member counts. */
export async function renderGroups(main: HTMLElement, ctx: PageContext): Promise<void> {
  const slug = ctx.tenant.slug;
  const query = currentQuery();
  const q = query.get('q') ?? '';
  const cursor = query.get('cursor') ?? '';
  const [groups, folders] = await Promise.all([api.groups(slug, { q, cursor, limit: String(PAGE) }), api.folders(slug)]);
  if (!ctx.current()) return;
  const key = `groups:${slug}:${q}`;
  const go = (params: { q?: string; cursor?: string }) => {
    const next = new URLSearchParams();
    if (params.q) next.set('q', params.q);
    if (params.cursor) next.set('cursor', params.cursor);
    const text = next.toString();
    navigate(`${tenantPath(slug, 'groups')}${text ? `?${text}` : ''}`);
  };
  const search = h('input', { id: 'group-q', type: 'search', value: q, placeholder: 'Group name', autocomplete: 'off' });
  const searchForm = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': 'Search pushed groups',
      onsubmit: (event: Event) => {
        event.preventDefault();
        resetPager(`groups:${slug}:${search.value.trim()}`);
        go({ q: search.value.trim() });
      },
    },
    h('div', { class: 'filter-search' }, field('Search groups', search)),
    h(
      'div',
      { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'button button-primary' }, 'Search'),
      q ? h('a', { class: 'button button-ghost', href: tenantPath(slug, 'groups') }, 'Clear') : null,
    ),
  );

  const groupRows =
    groups.total === 0 && !q
      ? emptyState(
          'No groups pushed yet.',
          "In Okta, open the app's Push Groups tab and push a group (in Entra ID, assign groups to the app): it appears here with its members.",
        )
      : groups.groups.length === 0
        ? emptyState('No group matches this search.', 'Try another name, or clear the search.')
        : h(
            'div',
            null,
            table(
              'Pushed groups',
              [
                { header: 'Group', cell: (g: Group) => h('a', { href: tenantPath(slug, 'groups', g.id), class: 'strong-link' }, g.displayName) },
                { header: 'Members', cell: (g: Group) => countCell(g.memberCount, g.memberCountExact), numeric: true },
                { header: 'External ID', cell: (g: Group) => (g.externalId ? h('code', null, g.externalId) : h('span', { class: 'muted' }, '—')) },
                { header: 'Last change', cell: (g: Group) => when(g.modifiedAt) },
              ],
              groups.groups,
            ),
            cursorPager(key, { count: groups.groups.length, total: groups.total, nextCursor: groups.nextCursor }, PAGE, cursor, (c) => go({ q, cursor: c }), 'groups'),
          );

  const kinds = ['department', 'division', 'organization'] as const;
  const folderBody =
    folders.folders.length === 0
      ? emptyState(
          'No folders yet.',
          'Folders appear by themselves when people arrive with a department, division or organization (enterprise extension). Map those attributes in your identity provider.',
        )
      : h(
          'div',
          { class: 'folder-grid' },
          kinds.map((kind) => {
            const list = folders.folders.filter((f) => f.kind === kind);
            return h(
              'div',
              { class: 'folder-kind' },
              h('h3', { class: 'subheading' }, `${FOLDER_KINDS[kind]} folders`, h('span', { class: 'count' }, String(list.length))),
              list.length === 0
                ? h('p', { class: 'muted' }, `No one has a ${kind} yet.`)
                : table(
                    `${FOLDER_KINDS[kind]} folders`,
                    [
                      { header: 'Folder', cell: (f: Folder) => h('a', { href: tenantPath(slug, 'folders', f.id) }, f.value) },
                      { header: 'Members', cell: (f: Folder) => countCell(f.memberCount, f.memberCountExact), numeric: true },
                    ],
                    list,
                  ),
            );
          }),
        );

  fill(
    main,
    pageHeader('Group management', 'Groups your identity provider pushes, and the folders Roster keeps for each department, division and organization.'),
    section(`Pushed groups · ${number(groups.total)}`, [searchForm, groupRows], { id: 'pushed-groups' }),
    section(`Attribute folders · ${number(folders.folders.length)}`, folderBody, {
      id: 'folders',
      description: 'Maintained by Roster: a person moves when their attribute changes. Folders are not written through /Groups.',
    }),
  );
}

function membersSection(
  slug: string,
  key: string,
  title: string,
  page: { people: Person[]; total: number; totalExact?: boolean; nextCursor: string | null },
  cursor: string,
  base: string,
  empty: HTMLElement,
): HTMLElement {
  const body =
    page.total === 0
      ? empty
      : h(
          'div',
          null,
          peopleTable(slug, title, page.people),
          cursorPager(
            key,
            { count: page.people.length, total: page.total, ...(page.totalExact === undefined ? {} : { totalExact: page.totalExact }), nextCursor: page.nextCursor },
            PAGE,
            cursor,
            (c) => navigate(c ? `${base}?cursor=${encodeURIComponent(c)}` : base),
            'members',
          ),
        );
  return section(`${title} · ${number(page.total)}`, body, { id: 'members' });
}

const crumbs = (slug: string, title: string) => [
  h('a', { href: tenantPath(slug, 'groups') }, 'Group management'),
  h('span', { 'aria-hidden': 'true' }, ' / '),
  h('span', { 'aria-current': 'page' }, title),
];

/** A pushed group and its members. */
export async function renderGroup(main: HTMLElement, ctx: PageContext, id: string): Promise<void> {
  const slug = ctx.tenant.slug;
  const cursor = currentQuery().get('cursor') ?? '';
  const { group, members } = await api.group(slug, id, { cursor, limit: String(PAGE) });
  if (!ctx.current()) return;
  fill(
    main,
    pageHeader(
      group.displayName,
      ['Pushed group', group.externalId ? ` · external ID ${group.externalId}` : '', ` · last change `, when(group.modifiedAt)],
      undefined,
      crumbs(slug, group.displayName),
    ),
    membersSection(
      slug,
      `group:${id}`,
      'Members',
      members,
      cursor,
      tenantPath(slug, 'groups', id),
      emptyState('This group has no members.', 'Members appear when the identity provider pushes them (Okta: Push Groups; Entra: assign users to the group).'),
    ),
  );
}

/** An attribute folder and its members; an empty folder says so. */
export async function renderFolder(main: HTMLElement, ctx: PageContext, id: string): Promise<void> {
  const slug = ctx.tenant.slug;
  const cursor = currentQuery().get('cursor') ?? '';
  const { folder, members } = await api.folder(slug, id, { cursor, limit: String(PAGE) });
  if (!ctx.current()) return;
  const kind = FOLDER_KINDS[folder.kind] ?? folder.kind;
  fill(
    main,
    pageHeader(folder.value, `${kind} folder, kept by Roster from the ${folder.kind} attribute.`, undefined, crumbs(slug, `${kind}: ${folder.value}`)),
    membersSection(
      slug,
      `folder:${id}`,
      'Members',
      members,
      cursor,
      tenantPath(slug, 'folders', id),
      emptyState(
        'This folder is empty.',
        `Nobody has ${folder.kind} "${folder.value}" any more. The folder stays so that links to it keep working; it fills again when someone gets this ${folder.kind}.`,
      ),
    ),
  );
}
