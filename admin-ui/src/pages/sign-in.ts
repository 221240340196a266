import { api, ApiError } from '../api.js';
import { fill, h } from '../dom.js';
import type { Session } from '../types.js';

/** The sign-in page: email and password; a wrong pair and a throttled one get different, clear messages. */
export function renderSignIn(app: HTMLElement, onSignedIn: (session: Session) => void): void {
  const email = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true, spellcheck: 'false' });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const message = h('div', { id: 'sign-in-message', role: 'alert', class: 'form-message' });
  const submit = h('button', { type: 'submit', class: 'button button-primary button-block' }, 'Sign in');
  const form = h(
    'form',
    {
      class: 'sign-in-form',
      'aria-describedby': 'sign-in-message',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        message.replaceChildren();
        submit.disabled = true;
        submit.textContent = 'Signing in…';
        try {
          onSignedIn(await api.signIn(email.value, password.value));
        } catch (error) {
          const text =
            error instanceof ApiError && error.status === 429
              ? `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`
              : error instanceof ApiError && error.status === 401
                ? 'That email and password do not match an admin. Check both and try again.'
                : error instanceof ApiError && error.code === 'adminDisabled'
                  ? 'This admin is disabled. Ask an operator to enable you again.'
                  : `Could not sign in: ${error instanceof Error ? error.message : String(error)}`;
          message.replaceChildren(h('p', { class: 'callout callout-error' }, text));
          password.value = '';
          password.focus();
        } finally {
          submit.disabled = false;
          submit.textContent = 'Sign in';
        }
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'email' }, 'Email'), email),
    h('div', { class: 'field' }, h('label', { for: 'password' }, 'Password'), password),
    message,
    submit,
  );
  fill(
    app,
    h(
      'main',
      { id: 'main', class: 'sign-in-page', tabindex: '-1' },
      h(
        'div',
        { class: 'sign-in-card' },
        h('div', { class: 'brand brand-large', 'aria-hidden': 'true' }, h('span', { class: 'brand-mark' }, 'R'), h('span', null, 'Roster')),
        h('h1', { id: 'page-title', tabindex: '-1' }, 'Sign in to the admin console'),
        h('p', { class: 'muted' }, 'People, groups and provisioning for your organisation.'),
        form,
        h('p', { class: 'sign-in-help' }, 'No account yet? An operator creates one with ', h('code', null, 'roster admin create'), '.'),
      ),
    ),
  );
  email.focus();
}
