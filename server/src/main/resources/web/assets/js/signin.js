// The sign-in view shared by the inbox and the console: demo picker and token form.

import { h, replaceChildren } from './dom.js';
import { t } from './i18n.js';

/**
 * Shows the sign-in view in `root` and resolves once a credential was chosen.
 * @param {object} options
 * @param {HTMLElement} options.root
 * @param {string} options.heading
 * @param {string} options.tokenLabel e.g. "User token (JWT)"
 * @param {string} [options.message] why the reader is here (e.g. an expired session)
 * @param {Array<{label: string, description?: string, choose: () => Promise<void>}>} [options.demoChoices]
 * @param {(token: string) => Promise<void>} options.useToken
 */
export function showSignIn({ root, heading, tokenLabel, message, demoChoices = [], useToken }) {
  const status = h('p', { class: 'form-status', role: 'status' });
  const fail = (error) => {
    status.textContent = error?.message ?? String(error);
    status.classList.add('error');
  };

  const demo = demoChoices.length === 0 ? null : h('section', { class: 'card', 'aria-labelledby': 'demo-heading' },
    h('h2', { id: 'demo-heading' }, t('signin.demo_heading')),
    h('p', {}, t('signin.demo_text')),
    h('ul', { class: 'demo-users' }, demoChoices.map((choice) =>
      h('li', {}, h('button', {
        type: 'button',
        class: 'button demo-user',
        onclick: () => choice.choose().catch(fail),
      }, choice.label, choice.description ? h('span', { class: 'muted' }, choice.description) : null)))));

  const input = h('textarea', { id: 'token-input', name: 'token', rows: 3, required: true, spellcheck: 'false', autocomplete: 'off' });
  const form = h('form', { class: 'card token-form' },
    h('h2', {}, demo ? t('signin.or_token') : t('signin.with_token')),
    h('label', { for: 'token-input' }, tokenLabel),
    input,
    h('p', { class: 'muted' }, t('signin.tip_before'), h('code', {}, 'java -jar herald.jar token --user 1'), t('signin.tip_middle'), h('code', {}, '?token=…'), t('signin.tip_after')),
    h('button', { type: 'submit', class: 'button' }, t('signin.submit')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (token) useToken(token).catch(fail);
  });

  replaceChildren(root, h('h1', {}, heading), message ? h('p', { class: 'notice', role: 'alert' }, message) : null, demo, form, status);
  root.hidden = false;
}
