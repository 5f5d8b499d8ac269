// Short-lived messages in a live region, so screen readers announce them too.

import { h } from './dom.js';
import { t } from './i18n.js';

export class Toaster {
  #region;

  /** @param {HTMLElement} region an element with aria-live="polite" */
  constructor(region) {
    this.#region = region;
  }

  /**
   * @param {object} toast
   * @param {string} toast.title
   * @param {string} [toast.body]
   * @param {'info' | 'success' | 'warning' | 'error'} [toast.kind]
   * @param {{label: string, run: () => void}} [toast.action]
   * @param {number} [toast.timeoutMs] 0 keeps it until dismissed
   */
  show({ title, body, kind = 'info', action, timeoutMs = 6000 }) {
    const dismiss = () => node.remove();
    const node = h(
      'div',
      { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : null },
      h('div', { class: 'toast-text' }, h('strong', { text: title }), body ? h('p', { text: body }) : null),
      action ? h('button', { type: 'button', class: 'link-button', onclick: () => (action.run(), dismiss()) }, action.label) : null,
      h('button', { type: 'button', class: 'icon-button', 'aria-label': t('toast.dismiss'), onclick: dismiss }, '×'),
    );
    this.#region.append(node);
    while (this.#region.childElementCount > 4) this.#region.firstElementChild.remove();
    if (timeoutMs > 0) setTimeout(dismiss, timeoutMs);
    return node;
  }

  /** Shows an error, once: the same message still on screen is not repeated. */
  error(error) {
    const body = error?.message ?? String(error);
    const same = [...this.#region.querySelectorAll('.toast-error p')].some((p) => p.textContent === body);
    if (same) return null;
    return this.show({ title: t('toast.error_title'), body, kind: 'error' });
  }
}
