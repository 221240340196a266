import { mountPathOf } from '../http/mount-path.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { inspectSetupLink, openSetupLink, SETUP_SESSION_MAX_MS, type LinkState } from '../provisioning/setup/setup-links.js';
import type { ProvisioningRuntime } from '../provisioning/runtime.js';
import type { SetupLinkRecord } from '../storage/admin-store.js';
import type { TenantRecord } from '../storage/store.js';
import { consoleOrigin } from './admin-guard.js';
import { CONSOLE_SECURITY_HEADERS } from './security-headers.js';
import { sessionCookie, SETUP_COOKIE } from './session-cookie.js';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** What the person holding a link that no longer works is told, in plain words. */
const CLOSED: Record<Exclude<LinkState, 'open'>, { status: number; title: string; text: string }> = {
  unknown: { status: 404, title: 'This setup link is not valid', text: 'The address may be incomplete: check that you copied the whole link, or ask for a new one.' },
  expired: { status: 410, title: 'This setup link has expired', text: 'Setup links work for a limited time. Ask whoever sent it to you for a new one.' },
  used: {
    status: 410,
    title: 'This setup link has already been used',
    text: 'It could be opened once only. If that was not you, tell whoever sent it; otherwise ask them for a new one.',
  },
  revoked: {
    status: 410,
    title: 'This setup link was withdrawn',
    text: 'Whoever sent it has revoked it. Ask them for a new one if you still need to set up provisioning.',
  },
};

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<link rel="icon" href="/admin/assets/favicon.svg">
<link rel="stylesheet" href="/admin/assets/console.css">
</head>
<body>
<main id="main" class="setup-landing">
${body}
</main>
</body>
</html>
`;
}

function send(reply: FastifyReply, status: number, html: string): FastifyReply {
  for (const [name, value] of Object.entries(CONSOLE_SECURITY_HEADERS)) reply.header(name, value);
  // The path holds the link's secret: never cached, never sent on as a referrer (no-referrer above).
  return reply.code(status).header('cache-control', 'no-store').header('content-type', 'text/html; charset=utf-8').send(html);
}

function closedPage(reply: FastifyReply, state: Exclude<LinkState, 'open'>, link?: SetupLinkRecord): FastifyReply {
  const { status, title, text } = CLOSED[state];
  const back = link?.branding.returnUrl
    ? `<p><a class="button button-secondary" href="${escape(link.branding.returnUrl)}">Back to ${escape(link.branding.productName ?? 'the product')}</a></p>`
    : '';
  return send(reply, status, page(title, `<div class="setup-card"><h1 id="page-title">${escape(title)}</h1><p>${escape(text)}</p>${back}</div>`));
}

function welcomePage(reply: FastifyReply, link: SetupLinkRecord, tenant: TenantRecord, token: string): FastifyReply {
  const product = link.branding.productName ?? 'Roster';
  const logo = link.branding.logoUrl ? `<img class="setup-logo" src="${escape(link.branding.logoUrl)}" alt="${escape(product)}">` : '';
  const once = link.singleUse ? ' This link works once: keep this tab open until you are done.' : '';
  return send(
    reply,
    200,
    page(
      `Set up user provisioning for ${product}`,
      `<div class="setup-card">${logo}<h1 id="page-title">Set up user provisioning for ${escape(product)}</h1>
<p>You have been invited to connect your identity provider to <strong>${escape(tenant.name)}</strong>, so that people and groups are kept up to date automatically over SCIM.</p>
<p>You do not need an account. The session this opens can do this setup and nothing else, and lasts at most ${SETUP_SESSION_MAX_MS / 3_600_000} hours.${once}</p>
<form method="post" action="/admin/setup/${escape(token)}"><button class="button button-primary" type="submit">Start setup</button></form>
</div>`,
    ),
  );
}

/** A form post from another site, or a page of it, is refused (the form lives on this origin). */
function fromThisOrigin(request: FastifyRequest, publicUrl: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return false;
  const origin = request.headers.origin;
  return origin === undefined || origin === 'null' || origin === consoleOrigin(request, publicUrl);
}

/**
 * `/admin/setup/<token>`: GET shows the link's state without using it (mail scanners and chat
 * previews fetch links), the form's POST uses it, opens a setup session and goes to the guided setup.
 */
export async function registerSetupPage(app: FastifyInstance, options: { rt: ProvisioningRuntime; publicUrl: string }): Promise<void> {
  const { rt } = options;
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_request, body, done) => done(null, body));
    const tokenOf = (request: FastifyRequest) => (request.params as { token?: string }).token ?? '';

    scope.get('/admin/setup/:token', async (request, reply) => {
      const found = await inspectSetupLink(rt, tokenOf(request));
      if (found.state !== 'open' || !found.link || !found.tenant) return closedPage(reply, found.state === 'open' ? 'unknown' : found.state, found.link);
      return welcomePage(reply, found.link, found.tenant, tokenOf(request));
    });

    scope.post('/admin/setup/:token', async (request, reply) => {
      if (!fromThisOrigin(request, options.publicUrl))
        return send(
          reply,
          403,
          page('Not allowed', '<div class="setup-card"><h1>Open the setup link itself</h1><p>This form can only be sent from its own page.</p></div>'),
        );
      const opened = await openSetupLink(rt, tokenOf(request));
      if (!opened.ok) return closedPage(reply, opened.state);
      request.log.info({ tenant: opened.tenant.slug, link: opened.link.id }, 'setup link opened');
      const secure = options.publicUrl.startsWith('https:') || request.protocol === 'https';
      const maxAge = Math.max(1, Math.floor((opened.expiresMs - rt.now()) / 1000));
      return reply
        .code(303)
        .header('cache-control', 'no-store')
        .header('set-cookie', sessionCookie(opened.sessionId, { maxAgeSeconds: maxAge, secure, name: SETUP_COOKIE, mountPath: mountPathOf(request) }))
        .header('location', `${mountPathOf(request)}/admin/setup`)
        .send();
    });
  });
}
