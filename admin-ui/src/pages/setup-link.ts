import { api } from '../api.js';
import { fill, h } from '../dom.js';
import { BASE } from '../router.js';
import type { SetupSession } from '../types.js';
import { emptyState, errorBox } from '../ui.js';
import { renderGuidedSetup } from './guided-setup.js';
import { renderPreview } from './preview.js';

/**
 * The whole console for a browser signed in by a setup link: the host product's branding, the
 * guided setup of its one tenant, and nothing else (the admin API refuses every other route).
 */
export async function renderSetupLink(app: HTMLElement, session: SetupSession | null, current: () => boolean): Promise<void> {
  document.title = session ? `Set up user provisioning — ${session.branding.productName ?? session.tenant.name}` : 'Setup session ended';
  if (!session) {
    fill(
      app,
      h(
        'main',
        { id: 'main', class: 'setup-landing' },
        h(
          'div',
          { class: 'setup-card' },
          h('h1', { id: 'page-title', tabindex: '-1' }, 'This setup session has ended'),
          emptyState(
            'Setup sessions end after a few hours, when the link is revoked, or when you end them.',
            'Open the setup link again, or ask whoever sent it for a new one.',
          ),
        ),
      ),
    );
    return;
  }
  // The accent of the host product, through the CSSOM (the page's policy allows no inline styles).
  if (session.branding.accent) document.documentElement.style.setProperty('--accent', session.branding.accent);
  const product = session.branding.productName ?? 'Roster';
  const idp = new URLSearchParams(location.search).get('idp') ?? session.idp;
  const main = h('main', { id: 'main', class: 'setup-main', tabindex: '-1' });
  const end = h(
    'button',
    {
      type: 'button',
      class: 'button button-secondary',
      onclick: async () => {
        try {
          await api.endSetup();
        } finally {
          location.assign(session.branding.returnUrl ?? `${BASE}/setup`);
        }
      },
    },
    'End session',
  );
  fill(
    app,
    h(
      'div',
      { class: 'setup-frame' },
      h(
        'header',
        { class: 'setup-bar' },
        h(
          'div',
          { class: 'setup-brand' },
          session.branding.logoUrl ? h('img', { src: session.branding.logoUrl, alt: '', class: 'setup-bar-logo' }) : null,
          h('span', { class: 'setup-product' }, product),
        ),
        h(
          'div',
          { class: 'setup-bar-actions' },
          session.branding.returnUrl ? h('a', { href: session.branding.returnUrl, class: 'button button-secondary' }, `Back to ${product}`) : null,
          end,
        ),
      ),
      main,
    ),
  );
  const intro = h(
    'header',
    { class: 'page-header' },
    h('h1', { id: 'page-title', tabindex: '-1' }, `Set up user provisioning for ${product}`),
    h(
      'p',
      { class: 'page-description' },
      `Connect your identity provider to ${session.tenant.name}: follow the steps with the values shown, then watch the first request arrive. This session can do this setup and nothing else.`,
    ),
  );
  const body = h('div');
  fill(main, intro, body);
  try {
    await renderGuidedSetup(body, { slug: session.tenant.slug, idp, productName: product, current, hrefFor: (id) => `${BASE}/setup?idp=${encodeURIComponent(id)}` });
    // Once an IdP is chosen: the first sync as it lands, while the tenant is in preview.
    if (idp) {
      const preview = h('div', { class: 'preview-holder' });
      body.append(preview);
      await renderPreview(preview, { slug: session.tenant.slug, productName: session.branding.productName ?? null, current, hideWhenLive: true });
    }
  } catch (error) {
    if (current()) fill(body, errorBox(error));
  }
}
