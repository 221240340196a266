import { api, ApiError, whenSignedOut } from './api.js';
import { fill, h } from './dom.js';
import { renderAdmins } from './pages/admins.js';
import { renderDuplicates } from './pages/duplicates.js';
import { renderFolder, renderGroup, renderGroups } from './pages/groups.js';
import { renderGuidedSetup } from './pages/guided-setup.js';
import { renderHeldChanges } from './pages/held-changes.js';
import { renderLog } from './pages/log.js';
import { renderSetupLink } from './pages/setup-link.js';
import { renderPeople } from './pages/people.js';
import { renderPending } from './pages/pending.js';
import { renderPerson } from './pages/person.js';
import { renderPreview } from './pages/preview.js';
import { renderProvisioning } from './pages/provisioning.js';
import { renderResetPassword } from './pages/reset-password.js';
import { renderSignIn } from './pages/sign-in.js';
import { renderTenants } from './pages/tenants.js';
import { BASE, handleLinkClick, navigate, onNavigate, parseRoute, tenantPath, type Route } from './router.js';
import { shell } from './shell.js';
import type { Session, SetupSession, Tenant } from './types.js';
import { emptyState, errorBox, pageHeader } from './ui.js';

let session: Session | null = null;
/** Set when this browser was signed in by a setup link instead of an admin's password. */
let setupSession: SetupSession | null = null;
let tenants: Tenant[] | null = null;
let renderCount = 0;

/** What every page gets: where it is, who is signed in, and how to refresh the tenant list. */
export interface PageContext {
  readonly session: Session;
  readonly tenant: Tenant;
  readonly route: Route;
  /** True while this page is still the one on screen (a slow answer must not paint over a newer page). */
  readonly current: () => boolean;
  readonly reloadTenants: () => Promise<void>;
}

async function loadTenants(): Promise<void> {
  tenants = (await api.tenants()).tenants;
}

async function signOut(): Promise<void> {
  try {
    await api.signOut();
  } finally {
    session = null;
    tenants = null;
    navigate(`${BASE}/sign-in`, { replace: true });
  }
}

function focusHeading(): void {
  const heading = document.getElementById('page-title');
  if (heading) heading.focus({ preventScroll: false });
}

async function render(): Promise<void> {
  const token = ++renderCount;
  const app = document.getElementById('app')!;
  app.classList.remove('app-loading');
  const route = parseRoute(location.pathname);

  // Opened from a reset link: whoever holds it is not signed in (and a signed-in browser still
  // lets them set the password the link is for).
  if (route.page === 'reset-password') {
    await renderResetPassword(app);
    return;
  }
  if (route.page === 'setup' || setupSession) {
    if (route.page !== 'setup' && !session) history.replaceState(null, '', `${BASE}/setup${location.search}`);
    if (setupSession || !session) {
      await renderSetupLink(app, setupSession, () => token === renderCount);
      focusHeading();
      return;
    }
    navigate(`${BASE}/`, { replace: true });
    return;
  }

  if (!session) {
    if (route.page !== 'sign-in') {
      const next = location.pathname + location.search;
      history.replaceState(null, '', `${BASE}/sign-in${next.startsWith(`${BASE}/`) && next !== `${BASE}/` ? `?next=${encodeURIComponent(next)}` : ''}`);
    }
    renderSignIn(app, async (signedIn) => {
      session = signedIn;
      tenants = null;
      const next = new URLSearchParams(location.search).get('next');
      navigate(next?.startsWith(`${BASE}/`) ? next : `${BASE}/`, { replace: true });
    });
    return;
  }
  if (!tenants) {
    try {
      await loadTenants();
    } catch (error) {
      fill(app, h('main', { id: 'main', class: 'main' }, errorBox(error)));
      return;
    }
  }
  const all = tenants ?? [];
  if (route.page === 'sign-in' || route.page === 'home') {
    const own = session.admin.role === 'tenant' ? all[0] : all.length === 1 ? all[0] : undefined;
    navigate(own ? tenantPath(own.slug, 'people') : `${BASE}/tenants`, { replace: true });
    return;
  }

  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  const slug = 'slug' in route ? route.slug : null;
  const tenant = slug ? (all.find((t) => t.slug === slug) ?? null) : null;
  // A tenant admin who asked for another tenant still gets the navigation of their own.
  const navTenant = tenant ?? (session.admin.role === 'tenant' ? (all[0] ?? null) : null);
  fill(
    app,
    shell(session, route, navTenant, main, () => void signOut()),
  );
  document.title = 'Roster admin console';

  if (route.page === 'not-found' || (slug && !tenant)) {
    // A tenant admin asking for another tenant lands here: the API answers 404 for it too.
    fill(
      main,
      pageHeader(slug && !tenant ? 'Tenant not found' : 'Page not found'),
      emptyState(
        slug && !tenant ? `There is no tenant "${slug}" that you can manage.` : 'There is no console page at this address.',
        'Use the navigation on the left, or go back to the start.',
        h('a', { class: 'button button-secondary', href: `${BASE}/` }, 'Go to the start'),
      ),
    );
    focusHeading();
    return;
  }
  if (route.page === 'admins') {
    try {
      await renderAdmins(main, session, all);
    } catch (error) {
      fill(main, pageHeader(error instanceof ApiError && error.status === 403 ? 'Operators only' : 'Something went wrong'), errorBox(error));
    }
    focusHeading();
    return;
  }
  if (route.page === 'tenants') {
    await renderTenants(main, all, session, async () => {
      await loadTenants();
      return tenants ?? [];
    });
    focusHeading();
    return;
  }
  if (!tenant) return;
  const ctx: PageContext = {
    session,
    tenant,
    route,
    current: () => token === renderCount,
    reloadTenants: loadTenants,
  };
  try {
    switch (route.page) {
      case 'people':
        await renderPeople(main, ctx);
        break;
      case 'person':
        await renderPerson(main, ctx, route.id);
        break;
      case 'groups':
        await renderGroups(main, ctx);
        break;
      case 'group':
        await renderGroup(main, ctx, route.id);
        break;
      case 'folder':
        await renderFolder(main, ctx, route.id);
        break;
      case 'pending':
        await renderPending(main, ctx);
        break;
      case 'duplicates':
        await renderDuplicates(main, ctx);
        break;
      case 'provisioning':
        await renderProvisioning(main, ctx);
        break;
      case 'log':
        await renderLog(main, ctx);
        break;
      case 'preview': {
        fill(main, pageHeader('First sync preview', 'What the identity provider has sent so far, checked, before the host product hears of it.'));
        const body = h('div');
        main.append(body);
        await renderPreview(body, { slug: tenant.slug, productName: null, current: ctx.current });
        break;
      }
      case 'held':
        await renderHeldChanges(main, ctx);
        break;
      case 'guided-setup': {
        const idp = new URLSearchParams(location.search).get('idp');
        fill(main, pageHeader('Guided setup', "Connect an identity provider step by step, with this tenant's own values, and watch its first request arrive."));
        const body = h('div');
        main.append(body);
        await renderGuidedSetup(body, {
          slug: tenant.slug,
          idp,
          productName: null,
          current: ctx.current,
          hrefFor: (id) => `${tenantPath(tenant.slug, 'setup')}?idp=${encodeURIComponent(id)}`,
        });
        break;
      }
    }
  } catch (error) {
    if (token !== renderCount) return;
    if (error instanceof ApiError && error.status === 401) return;
    fill(main, pageHeader(error instanceof ApiError && error.status === 404 ? 'Not found' : 'Something went wrong'), errorBox(error));
  }
  if (token === renderCount) focusHeading();
}

async function boot(): Promise<void> {
  document.addEventListener('click', handleLinkClick);
  onNavigate(() => void render());
  whenSignedOut(() => {
    if (setupSession) {
      setupSession = null;
      void render();
      return;
    }
    if (!session) return;
    session = null;
    tenants = null;
    void render();
  });
  try {
    session = await api.session();
  } catch {
    session = null;
  }
  if (!session) {
    // A setup-link session answers 403 to /session (it is no admin): ask for what it is.
    try {
      setupSession = await api.setupSession();
    } catch {
      setupSession = null;
    }
  }
  await render();
}

void boot();
