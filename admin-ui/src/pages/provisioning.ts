import { api, ApiError } from '../api.js';
import { announce, fill, h } from '../dom.js';
import { healthPanel } from '../health.js';
import type { PageContext } from '../main.js';
import { setupLinksSection } from './setup-links-section.js';
import { tenantPath } from '../router.js';
import type { Credential, IssuedCredential, Settings, TenantDetail } from '../types.js';
import { badge, copyField, emptyState, field, pageHeader, section, select, table, when } from '../ui.js';

/** Settings › Identity management › User provisioning: endpoints, tokens, timestamps, settings. */
export async function renderProvisioning(main: HTMLElement, ctx: PageContext): Promise<void> {
  const slug = ctx.tenant.slug;
  const [detail, { credentials }] = await Promise.all([api.tenant(slug), api.credentials(slug)]);
  if (!ctx.current()) return;

  const statusArea = h('div', { id: 'connection' });
  const credentialsArea = h('div', { id: 'credential-list' });
  const issuedArea = h('div', { id: 'issued', tabindex: '-1' });

  const refresh = async () => {
    const [fresh, list] = await Promise.all([api.tenant(slug), api.credentials(slug)]);
    if (!ctx.current()) return;
    fill(statusArea, healthPanel(fresh.tenant), connection(fresh, refresh));
    fill(credentialsArea, credentialTable(slug, list.credentials, refresh));
  };
  fill(statusArea, healthPanel(detail.tenant), connection(detail, refresh));
  fill(credentialsArea, credentialTable(slug, credentials, refresh));

  fill(
    main,
    pageHeader(
      'User provisioning',
      'Connect your identity provider (Okta, Microsoft Entra ID, OneLogin…) over SCIM 2.0: it creates, updates and deactivates people and pushes groups.',
      undefined,
      [
        h('span', null, 'Settings'),
        h('span', { 'aria-hidden': 'true' }, ' / '),
        h('span', null, 'Identity management'),
        h('span', { 'aria-hidden': 'true' }, ' / '),
        h('span', { 'aria-current': 'page' }, 'User provisioning'),
      ],
    ),
    statusArea,
    section(
      'SCIM endpoint',
      [
        copyField('SCIM base URL', detail.endpoints.byCredential, {
          id: 'scim-url',
          hint: [
            "Paste into the IdP's ",
            h('em', null, 'SCIM connector base URL'),
            ' (Okta) or ',
            h('em', null, 'Tenant URL'),
            ' (Entra). The tenant comes from the token. Keep the trailing slash.',
          ],
        }),
        copyField('Tenant-specific SCIM URL', detail.endpoints.byTenantPath, {
          id: 'scim-tenant-url',
          hint: 'The same endpoint with the tenant named in the URL: a token of any other tenant gets 401.',
        }),
      ],
      { id: 'endpoint' },
    ),
    section('Tokens and keys', [generateForm(slug, issuedArea, refresh), issuedArea, credentialsArea], {
      id: 'credentials',
      description:
        'Any number can be live at once, so you can rotate: generate a new one, update the IdP, then revoke the old one. Revoking takes effect on the next request.',
    }),
    section('Matching and attributes', settingsForm(slug, detail.settings), { id: 'settings' }),
    await setupLinksSection(slug),
  );
}

function connection(detail: TenantDetail, refresh: () => Promise<void>): HTMLElement {
  const { tenant, settings, endpoints } = detail;
  const toggle = h(
    'button',
    {
      type: 'button',
      role: 'switch',
      id: 'provisioning-switch',
      class: 'switch',
      'aria-checked': settings.provisioningEnabled ? 'true' : 'false',
      'aria-describedby': 'provisioning-state',
      onclick: async () => {
        toggle.disabled = true;
        try {
          const next = !settings.provisioningEnabled;
          await api.updateSettings(tenant.slug, { provisioningEnabled: next });
          announce(next ? 'Provisioning switched on' : 'Provisioning switched off: SCIM requests now get 403');
          await refresh();
          document.getElementById('provisioning-switch')?.focus();
        } finally {
          toggle.disabled = false;
        }
      },
    },
    h('span', { class: 'switch-track', 'aria-hidden': 'true' }, h('span', { class: 'switch-thumb' })),
    h('span', { class: 'switch-label' }, 'Provisioning'),
  );
  return h(
    'div',
    { class: 'stack' },
    h(
      'section',
      { class: 'stats card', 'aria-label': 'Connection status' },
      h(
        'div',
        { class: 'stat' },
        h('p', { class: 'stat-label' }, 'Last SCIM request'),
        h('p', { class: 'stat-value', id: 'last-request' }, when(tenant.lastScimRequestAt)),
      ),
      h('div', { class: 'stat' }, h('p', { class: 'stat-label' }, 'Last SCIM change'), h('p', { class: 'stat-value', id: 'last-change' }, when(tenant.lastScimChangeAt))),
      h(
        'div',
        { class: 'stat' },
        toggle,
        h(
          'p',
          { class: 'hint', id: 'provisioning-state' },
          settings.provisioningEnabled ? 'On: SCIM requests are accepted.' : 'Off: SCIM requests get 403. Credentials are kept.',
        ),
      ),
    ),
    tenant.lastScimRequestAt === null
      ? h(
          'div',
          { class: 'callout callout-info', role: 'status' },
          h('strong', null, 'No SCIM request yet — '),
          "paste this URL and a token into Okta's API integration (Provisioning › Integration › Configure API Integration), then click ",
          h('em', null, 'Test API Credentials'),
          '. URL: ',
          h('code', null, endpoints.byCredential),
        )
      : null,
  );
}

function generateForm(slug: string, issuedArea: HTMLElement, refresh: () => Promise<void>): HTMLElement {
  const label = h('input', { id: 'credential-label', type: 'text', value: 'Okta', required: true, maxlength: '200', autocomplete: 'off' });
  const bearer = h('input', { type: 'radio', name: 'credential-kind', id: 'kind-bearer', value: 'bearer', checked: true });
  const basic = h('input', { type: 'radio', name: 'credential-kind', id: 'kind-basic', value: 'basic' });
  const message = h('div', { role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button button-primary', id: 'generate' }, 'Generate token');
  return h(
    'form',
    {
      class: 'generate',
      'aria-label': 'Generate a credential',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        message.replaceChildren();
        submit.disabled = true;
        try {
          const issued = await api.createCredential(slug, basic.checked ? 'basic' : 'bearer', label.value);
          fill(
            issuedArea,
            issuedCallout(issued, () => issuedArea.replaceChildren()),
          );
          announce(issued.key ? 'Key and secret generated. Copy the secret now: it is shown only once.' : 'Token generated. Copy it now: it is shown only once.');
          (issuedArea.querySelector('input.secret') as HTMLInputElement | null)?.focus();
          await refresh();
        } catch (error) {
          message.replaceChildren(h('p', { class: 'callout callout-error' }, error instanceof Error ? error.message : String(error)));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h(
      'div',
      { class: 'generate-row' },
      field('Label', label, 'Which IdP or app uses it, e.g. “Okta production”.'),
      h(
        'fieldset',
        { class: 'field kind' },
        h('legend', null, 'Type'),
        h('label', { class: 'radio' }, bearer, ' Bearer token ', h('span', { class: 'muted' }, '(OAuth 2 — Okta, Entra)')),
        h('label', { class: 'radio' }, basic, ' Key and secret ', h('span', { class: 'muted' }, '(HTTP Basic)')),
      ),
      h('div', { class: 'generate-action' }, submit),
    ),
    message,
  );
}

function issuedCallout(issued: IssuedCredential, dismiss: () => void): HTMLElement {
  const what = issued.key ? 'key and secret' : 'token';
  return h(
    'div',
    { class: 'callout callout-warning issued', role: 'region', 'aria-labelledby': 'issued-title' },
    h('h3', { id: 'issued-title' }, `Copy your new ${what} now`),
    h('p', null, `This is the only time Roster shows it: only a hash is stored. If you lose it, generate a new one and revoke “${issued.credential.label}”.`),
    issued.key
      ? [copyField('Key (username)', issued.key, { id: 'issued-key' }), copyField('Secret (password)', issued.secret, { id: 'issued-secret', secret: true })]
      : copyField('Token', issued.secret, { id: 'issued-token', secret: true, hint: "Paste it into Okta's API Token field (Entra: Secret Token)." }),
    h('button', { type: 'button', class: 'button button-secondary', onclick: dismiss }, 'I have copied it'),
  );
}

function credentialTable(slug: string, credentials: Credential[], refresh: () => Promise<void>): HTMLElement {
  if (credentials.length === 0) {
    return emptyState(
      'No tokens yet.',
      "Generate a token above, then paste the SCIM base URL and the token into Okta's API integration (Entra: Tenant URL and Secret Token) and test the connection.",
    );
  }
  const actions = (c: Credential): HTMLElement => {
    if (c.revokedAt) return h('span', { class: 'muted' }, '—');
    const cell = h('div', { class: 'row-actions' });
    const ask = h(
      'button',
      {
        type: 'button',
        class: 'button button-secondary button-small',
        'aria-label': `Revoke ${c.label}`,
        onclick: () => {
          const confirm = h(
            'button',
            {
              type: 'button',
              class: 'button button-danger button-small',
              'aria-label': `Confirm: revoke ${c.label}`,
              onclick: async () => {
                confirm.disabled = true;
                await api.revokeCredential(slug, c.id).catch((error: unknown) => announce(error instanceof ApiError ? error.message : 'Could not revoke'));
                announce(`${c.label} revoked: the next SCIM request with it gets 401.`);
                await refresh();
              },
            },
            'Revoke now',
          );
          const cancel = h(
            'button',
            {
              type: 'button',
              class: 'button button-ghost button-small',
              onclick: () => {
                fill(cell, ask);
                ask.focus();
              },
            },
            'Cancel',
          );
          fill(cell, confirm, cancel);
          confirm.focus();
        },
      },
      'Revoke',
    );
    fill(cell, ask);
    return cell;
  };
  return table(
    'SCIM credentials, newest first',
    [
      {
        header: 'Label',
        cell: (c: Credential) => h('div', { class: 'cell-main' }, h('span', { class: 'strong' }, c.label), c.key ? h('code', { class: 'muted' }, c.key) : null),
      },
      { header: 'Type', cell: (c: Credential) => (c.kind === 'bearer' ? 'Bearer token' : 'Key and secret') },
      { header: 'Created', cell: (c: Credential) => when(c.createdAt) },
      { header: 'Last used', cell: (c: Credential) => when(c.lastUsedAt) },
      { header: 'Status', cell: (c: Credential) => (c.revokedAt ? h('span', null, badge('Revoked', 'grey'), ' ', when(c.revokedAt)) : badge('Active', 'green')) },
      { header: 'Actions', cell: actions },
    ],
    credentials,
    (c) => (c.revokedAt ? 'row-muted' : undefined),
  );
}

function settingsForm(slug: string, settings: Settings): HTMLElement {
  const matching = select(
    'matching-field',
    [
      ['userName', 'userName (default)'],
      ['email', 'Work email'],
      ['externalId', 'externalId'],
    ],
    settings.matchingField,
  );
  const languages = h('textarea', { id: 'languages', rows: '3', spellcheck: 'false' }, settings.supportedLanguages.join(', '));
  const urn = h('input', { id: 'extension-urn', type: 'text', value: settings.extensionUrn, spellcheck: 'false', autocomplete: 'off' });
  const sso = h('input', { id: 'sso-may-update', type: 'checkbox', checked: settings.ssoMayUpdate });
  const rules = select(
    'value-rules',
    [
      ['report', 'Keep and flag (default)'],
      ['enforce', 'Refuse with an error'],
    ],
    settings.valueRules,
  );
  const message = h('div', { role: 'status', class: 'form-message' });
  return h(
    'form',
    {
      class: 'settings-form',
      'aria-label': 'Provisioning settings',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        message.replaceChildren();
        try {
          const tags = languages.value.split(/[\s,]+/).filter(Boolean);
          const { settings: saved } = await api.updateSettings(slug, {
            matchingField: matching.value as Settings['matchingField'],
            supportedLanguages: tags,
            extensionUrn: urn.value.trim(),
            ssoMayUpdate: sso.checked,
            valueRules: rules.value as Settings['valueRules'],
          });
          languages.value = saved.supportedLanguages.join(', ');
          message.replaceChildren(h('p', { class: 'callout callout-success' }, 'Settings saved. They apply to the next SCIM request.'));
          announce('Settings saved');
        } catch (error) {
          message.replaceChildren(h('p', { class: 'callout callout-error' }, error instanceof Error ? error.message : String(error)));
        }
      },
    },
    field(
      'Matching field',
      matching,
      'When a SCIM create names someone who already exists (made by an SSO login, an admin or an import), Roster adopts that profile instead of creating a duplicate. This field decides who is the same person.',
    ),
    field('Supported languages', languages, 'The tags preferredLanguage is checked against (comma-separated; case and _ or - do not matter).'),
    field(
      'Values that break a rule',
      rules,
      'A hire date that is no yyyy-MM-dd date, a time zone that is not IANA, a language outside the list above, a country that is not a two-letter code, an email that is no address. Keep and flag: stored exactly as sent and listed under "Values to check" on the person. Refuse: the identity provider gets 400 and nothing is written.',
    ),
    field('Extension URN', urn, [
      "The namespace of Roster's own attributes (businessUnit, hireDate…) — the ",
      h('em', null, 'External namespace'),
      " to use in Okta's Profile Editor.",
    ]),
    h(
      'div',
      { class: 'field checkbox-field' },
      sso,
      h('label', { for: 'sso-may-update' }, 'SSO logins may update details'),
      h('p', { class: 'hint' }, "Off: the identity provider's SCIM data wins, and a sign-in never overwrites it."),
    ),
    message,
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button button-primary' }, 'Save settings'),
      h('a', { href: tenantPath(slug, 'log'), class: 'button button-ghost' }, 'Open the provisioning log'),
    ),
  );
}
