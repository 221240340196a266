import { api, ApiError } from '../api.js';
import { fill, h } from '../dom.js';
import { BASE } from '../router.js';

const MIN_LENGTH = 12;

/** The words for a link that cannot be used, by the state the API reports. */
const UNUSABLE: Record<string, { title: string; text: string }> = {
  expired: { title: 'This link has expired', text: 'Reset links work for a limited time. Ask an operator for a new one (roster admin reset-password).' },
  used: { title: 'This link was already used', text: 'Each reset link works once. If you did not set the password yourself, tell an operator now.' },
  unknown: { title: 'This link is not valid', text: 'It may have been replaced by a newer link, or copied incompletely. Ask an operator for a new one.' },
};

function card(...children: (Node | string)[]): HTMLElement {
  return h(
    'main',
    { id: 'main', class: 'sign-in-page', tabindex: '-1' },
    h(
      'div',
      { class: 'sign-in-card' },
      h('div', { class: 'brand brand-large', 'aria-hidden': 'true' }, h('span', { class: 'brand-mark' }, 'R'), h('span', null, 'Roster')),
      ...children,
    ),
  );
}

function showUnusable(app: HTMLElement, state: string): void {
  const words = UNUSABLE[state] ?? UNUSABLE['unknown']!;
  fill(
    app,
    card(
      h('h1', { id: 'page-title', tabindex: '-1' }, words.title),
      h('p', { class: 'callout callout-error', role: 'alert' }, words.text),
      h('p', null, h('a', { href: `${BASE}/sign-in` }, 'Go to sign-in')),
    ),
  );
  document.getElementById('page-title')?.focus();
}

/**
 * The page a password-reset link opens (/admin/reset-password#token=…). The token travels in the
 * fragment, which browsers never send to a server, and is dropped from the address bar at once.
 * The page first asks whether the link can still be used, so an expired or used link says so
 * before anyone types a password.
 */
export async function renderResetPassword(app: HTMLElement): Promise<void> {
  const token = new URLSearchParams(location.hash.replace(/^#/, '')).get('token') ?? '';
  history.replaceState(null, '', location.pathname);
  document.title = 'Set a new password — Roster';
  if (token === '') return showUnusable(app, 'unknown');
  let state = 'unknown';
  try {
    state = (await api.resetLinkState(token)).state;
  } catch {
    state = 'unknown';
  }
  if (state !== 'usable') return showUnusable(app, state);

  const password = h('input', {
    id: 'new-password',
    name: 'new-password',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    minlength: String(MIN_LENGTH),
  });
  const again = h('input', { id: 'repeat-password', name: 'repeat-password', type: 'password', autocomplete: 'new-password', required: true });
  const message = h('div', { id: 'reset-message', role: 'alert', class: 'form-message' });
  const submit = h('button', { type: 'submit', class: 'button button-primary button-block' }, 'Set password');
  const form = h(
    'form',
    {
      class: 'sign-in-form',
      'aria-describedby': 'reset-message',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        message.replaceChildren();
        if (password.value.length < MIN_LENGTH) {
          message.replaceChildren(h('p', { class: 'callout callout-error' }, `A password has at least ${MIN_LENGTH} characters.`));
          return;
        }
        if (password.value !== again.value) {
          message.replaceChildren(h('p', { class: 'callout callout-error' }, 'The two passwords differ.'));
          return;
        }
        submit.disabled = true;
        try {
          const done = await api.resetPassword(token, password.value);
          fill(
            app,
            card(
              h('h1', { id: 'page-title', tabindex: '-1' }, 'Password changed'),
              h('p', { class: 'callout', role: 'status' }, `The password of ${done.email} is set. Every session you had is signed out.`),
              h('p', null, h('a', { class: 'button button-primary', href: `${BASE}/sign-in` }, 'Sign in')),
            ),
          );
          document.getElementById('page-title')?.focus();
        } catch (error) {
          if (error instanceof ApiError && (error.status === 410 || error.status === 404)) {
            return showUnusable(app, error.code === 'resetLinkExpired' ? 'expired' : error.code === 'resetLinkUsed' ? 'used' : 'unknown');
          }
          message.replaceChildren(h('p', { class: 'callout callout-error' }, error instanceof Error ? error.message : String(error)));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'new-password' }, `New password (at least ${MIN_LENGTH} characters)`), password),
    h('div', { class: 'field' }, h('label', { for: 'repeat-password' }, 'The same again'), again),
    message,
    submit,
  );
  fill(app, card(h('h1', { id: 'page-title', tabindex: '-1' }, 'Set a new password'), form));
  password.focus();
}
