/**
 * History-API routing under the console's base (/admin, or under the path a host server mounted
 * Roster at): every console page has its own URL and survives a reload.
 */

export type Route =
  | { page: 'sign-in' }
  | { page: 'reset-password' }
  | { page: 'home' }
  | { page: 'tenants' }
  | { page: 'admins' }
  | { page: 'people'; slug: string }
  | { page: 'person'; slug: string; id: string }
  | { page: 'groups'; slug: string }
  | { page: 'group'; slug: string; id: string }
  | { page: 'folder'; slug: string; id: string }
  | { page: 'pending'; slug: string }
  | { page: 'duplicates'; slug: string }
  | { page: 'provisioning'; slug: string }
  | { page: 'log'; slug: string }
  | { page: 'held'; slug: string }
  | { page: 'guided-setup'; slug: string }
  | { page: 'preview'; slug: string }
  | { page: 'setup' }
  | { page: 'not-found' };

/** Where the console lives, as the server wrote it into the page (it knows the mount path). */
export const BASE = (document.querySelector('meta[name="roster-base"]')?.getAttribute('content') ?? '/admin').replace(/\/+$/, '');

export function parseRoute(pathname: string): Route {
  const inside = pathname.toLowerCase().startsWith(BASE.toLowerCase()) ? pathname.slice(BASE.length) : pathname;
  const parts = inside.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, slug, section, id] = parts;
  if (!first) return { page: 'home' };
  if (first === 'sign-in' && parts.length === 1) return { page: 'sign-in' };
  if (first === 'reset-password' && parts.length === 1) return { page: 'reset-password' };
  if (first === 'tenants' && parts.length === 1) return { page: 'tenants' };
  if (first === 'admins' && parts.length === 1) return { page: 'admins' };
  // Where a setup link lands (/admin/setup/<token> itself is the server's page that opens it).
  if (first === 'setup' && parts.length === 1) return { page: 'setup' };
  if (first !== 't' || !slug || !section) return { page: 'not-found' };
  if (parts.length === 3) {
    if (
      section === 'people' ||
      section === 'groups' ||
      section === 'pending' ||
      section === 'duplicates' ||
      section === 'provisioning' ||
      section === 'log' ||
      section === 'held'
    ) {
      return { page: section, slug };
    }
    if (section === 'setup') return { page: 'guided-setup', slug };
    if (section === 'preview') return { page: 'preview', slug };
  }
  if (parts.length === 4 && id) {
    if (section === 'people') return { page: 'person', slug, id };
    if (section === 'groups') return { page: 'group', slug, id };
    if (section === 'folders') return { page: 'folder', slug, id };
  }
  return { page: 'not-found' };
}

/** The URL of a tenant page. */
export const tenantPath = (slug: string, ...rest: string[]): string => [BASE, 't', encodeURIComponent(slug), ...rest.map(encodeURIComponent)].join('/');

let render: () => void = () => {};
export function onNavigate(renderer: () => void): void {
  render = renderer;
  window.addEventListener('popstate', () => render());
}

export function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

/** Query parameters of the current URL. */
export function currentQuery(): URLSearchParams {
  return new URLSearchParams(location.search);
}

/** A link that navigates inside the console (plain clicks only: new-tab clicks work as usual). */
export function handleLinkClick(event: MouseEvent): void {
  const anchor = (event.target as Element | null)?.closest('a');
  if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const href = anchor.getAttribute('href');
  if (!href?.startsWith(`${BASE}/`) || anchor.target === '_blank' || anchor.hasAttribute('download')) return;
  event.preventDefault();
  navigate(href);
}
