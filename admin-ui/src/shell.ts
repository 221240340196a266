import { fill, h, icon, ICONS } from './dom.js';
import { tenantPath, type Route, BASE } from './router.js';
import type { Session, Tenant } from './types.js';

interface NavItem {
  readonly label: string;
  readonly href: string;
  readonly icon: string;
  readonly active: boolean;
}

function navList(label: string, items: readonly NavItem[]): HTMLElement {
  return h(
    'div',
    { class: 'nav-group' },
    h('p', { class: 'nav-group-label', id: `nav-${label.toLowerCase().replace(/\W+/g, '-')}` }, label),
    h(
      'ul',
      { 'aria-labelledby': `nav-${label.toLowerCase().replace(/\W+/g, '-')}` },
      items.map((item) =>
        h(
          'li',
          null,
          h(
            'a',
            { href: item.href, class: `nav-link${item.active ? ' active' : ''}`, 'aria-current': item.active ? 'page' : null },
            icon(item.icon),
            h('span', null, item.label),
          ),
        ),
      ),
    ),
  );
}

/**
 * The frame of every signed-in page: a left navigation (the seeds' vocabulary: People overview,
 * Group management, Settings › Identity management › User provisioning), and the main landmark.
 */
export function shell(session: Session, route: Route, tenant: Tenant | null, main: HTMLElement, onSignOut: () => void): HTMLElement {
  const page = route.page;
  const groups: HTMLElement[] = [];
  if (tenant) {
    const at = (...rest: string[]) => tenantPath(tenant.slug, ...rest);
    groups.push(
      navList('Directory', [
        { label: 'People overview', href: at('people'), icon: ICONS.people, active: page === 'people' || page === 'person' },
        { label: 'Group management', href: at('groups'), icon: ICONS.groups, active: page === 'groups' || page === 'group' || page === 'folder' },
        { label: 'Pending references', href: at('pending'), icon: ICONS.pending, active: page === 'pending' },
        { label: 'Possible duplicates', href: at('duplicates'), icon: ICONS.duplicate, active: page === 'duplicates' },
      ]),
      navList('Identity management', [
        { label: 'User provisioning', href: at('provisioning'), icon: ICONS.key, active: page === 'provisioning' },
        { label: 'Guided setup', href: at('setup'), icon: ICONS.guide, active: page === 'guided-setup' },
        ...(tenant.mode === 'preview' || page === 'preview'
          ? [{ label: 'First sync preview', href: at('preview'), icon: ICONS.pending, active: page === 'preview' }]
          : []),
        { label: 'Provisioning log', href: at('log'), icon: ICONS.log, active: page === 'log' },
        { label: 'Held changes', href: at('held'), icon: ICONS.held, active: page === 'held' },
      ]),
    );
  }
  if (session.admin.role === 'operator') {
    groups.push(
      navList('Operator', [
        { label: 'All tenants', href: `${BASE}/tenants`, icon: ICONS.tenants, active: page === 'tenants' },
        { label: 'Admins', href: `${BASE}/admins`, icon: ICONS.people, active: page === 'admins' },
      ]),
    );
  }
  // On a phone the panel (tenant, navigation, account) folds away behind a Menu button; on a wider
  // screen the button is hidden by the stylesheet and the panel is always shown. Each navigation
  // builds the shell anew, so the menu is closed again on the page it led to.
  const panel = h('div', { class: 'sidebar-panel', id: 'sidebar-panel' });
  const menu = h(
    'button',
    {
      type: 'button',
      class: 'button button-ghost menu-button',
      'aria-expanded': 'false',
      'aria-controls': 'sidebar-panel',
      onclick: () => {
        const open = menu.getAttribute('aria-expanded') !== 'true';
        menu.setAttribute('aria-expanded', String(open));
        sidebar.classList.toggle('open', open);
      },
    },
    icon(ICONS.menu),
    h('span', null, 'Menu'),
  );
  const sidebar = h(
    'aside',
    { class: 'sidebar' },
    h(
      'div',
      { class: 'sidebar-top' },
      // The name is the visible word plus hidden words, not an aria-label: speech users say what they see.
      h(
        'a',
        { href: `${BASE}/`, class: 'brand' },
        h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'R'),
        h('span', null, 'Roster'),
        h('span', { class: 'visually-hidden' }, ' admin console, home'),
      ),
      menu,
    ),
    panel,
  );
  fill(
    panel,
    tenant
      ? h(
          'div',
          { class: 'tenant-card' },
          h('p', { class: 'tenant-label' }, 'Tenant'),
          h('p', { class: 'tenant-name' }, tenant.name),
          h('p', { class: 'tenant-slug' }, tenant.slug),
          session.admin.role === 'operator' ? h('a', { href: `${BASE}/tenants`, class: 'tenant-switch' }, 'Switch tenant') : null,
        )
      : null,
    h('nav', { class: 'side-nav', 'aria-label': 'Console' }, groups),
    h(
      'div',
      { class: 'account' },
      h('p', { class: 'account-email', title: session.admin.email }, session.admin.email),
      h('p', { class: 'account-role' }, session.admin.role === 'operator' ? 'Operator · all tenants' : `Tenant admin · ${session.admin.tenant ?? ''}`),
      h('button', { type: 'button', class: 'button button-ghost sign-out', onclick: onSignOut }, icon(ICONS.out), h('span', null, 'Sign out')),
    ),
  );
  return h('div', { class: 'layout' }, sidebar, main);
}
