import { h } from '../dom.js';
import { missingLabel, SOURCE_LABELS } from '../format.js';
import { tenantPath } from '../router.js';
import type { Person } from '../types.js';
import { badge, pager, table, when } from '../ui.js';

export function statusBadge(person: Person): HTMLElement {
  return person.active ? badge('Active', 'green') : badge('Inactive', 'grey', 'Deactivated by the identity provider; everything is kept');
}

export function profileBadge(person: Person): HTMLElement {
  if (person.missing.length === 0) return badge('Complete', 'blue');
  const list = person.missing.map(missingLabel).join(', ');
  return badge(`Missing ${person.missing.length}`, 'amber', `Missing: ${list}`);
}

/** The People overview's order (the API's `sort`) and how to change it; other people tables are not sortable. */
export interface PeopleSorting {
  readonly current: string;
  readonly onSort: (sort: string) => void;
}

/** People as a table: the People overview, and the members of a group or a folder. */
export function peopleTable(slug: string, caption: string, people: readonly Person[], sorting?: PeopleSorting): HTMLElement {
  const sortBy = (keys: { label: string; key: string }[]) => (sorting ? { sort: { keys, ...sorting } } : {});
  return table(
    caption,
    [
      {
        header: 'Name',
        ...sortBy([
          { label: 'Name', key: 'name' },
          { label: 'userName', key: 'userName' },
        ]),
        cell: (p: Person) =>
          h(
            'div',
            { class: 'cell-main' },
            h('a', { href: tenantPath(slug, 'people', p.id), class: 'strong-link' }, p.name ?? p.userName),
            h('span', { class: 'muted' }, p.userName),
          ),
      },
      { header: 'Email', cell: (p: Person) => p.email ?? h('span', { class: 'muted' }, '—') },
      { header: 'Department', cell: (p: Person) => p.department ?? h('span', { class: 'muted' }, '—') },
      { header: 'Status', cell: statusBadge },
      {
        header: 'Profile',
        cell: (p: Person) =>
          h('span', null, profileBadge(p), p.missing.length > 0 ? h('span', { class: 'visually-hidden' }, `: ${p.missing.map(missingLabel).join(', ')}`) : null),
      },
      { header: 'Source', cell: (p: Person) => SOURCE_LABELS[p.source] ?? p.source },
      { header: 'Last change', ...sortBy([{ label: 'Last change', key: 'updated' }]), cell: (p: Person) => when(p.modifiedAt) },
    ],
    people,
  );
}

const stacks = new Map<string, string[]>();

/**
 * Previous / Next over cursor pages: the cursors of earlier pages are remembered per list, so
 * Previous needs no offset (offsets get slow deep into 100,000 people).
 */
export function cursorPager(
  key: string,
  page: { count: number; total: number; totalExact?: boolean; nextCursor: string | null },
  pageSize: number,
  cursor: string,
  go: (cursor: string) => void,
  noun: string,
): HTMLElement {
  const stack = stacks.get(key) ?? [];
  return pager({
    noun,
    from: stack.length * pageSize + 1,
    count: page.count,
    total: page.total,
    ...(page.totalExact === false ? { totalExact: false } : {}),
    ...(cursor
      ? {
          onPrevious: () => {
            stacks.set(key, stack.slice(0, -1));
            go(stack[stack.length - 1] ?? '');
          },
        }
      : {}),
    ...(page.nextCursor
      ? {
          onNext: () => {
            stacks.set(key, [...stack, cursor]);
            go(page.nextCursor ?? '');
          },
        }
      : {}),
  });
}

/** Forgets the earlier pages of a list (its filters changed). */
export function resetPager(key: string): void {
  stacks.delete(key);
}
