// The detail view of one notification, in a modal dialog.

import { byId, h, replaceChildren } from '../dom.js';
import { dateTime } from '../format.js';
import { actionLink } from '../links.js';
import { t } from '../i18n.js';
import { categories, labelOf, types } from '../vocabulary.js';
import { actionButtons } from './controls.js';

/**
 * @param {object} deps
 * @param {ReturnType<typeof import('../api.js').inboxApi>} deps.api
 * @param {import('./store.js').InboxStore} deps.store
 * @param {(error: unknown) => void} deps.onError
 * @returns {(notification: object, pending?: Promise<unknown>) => void} opens the dialog for a
 *   notification; the stored copy is fetched once `pending` (e.g. marking it read) has settled
 */
export function mountDetail({ api, store, onError }) {
  const dialog = /** @type {HTMLDialogElement} */ (byId('detail'));
  const title = byId('detail-title');
  const meta = byId('detail-meta');
  const content = byId('detail-content');
  const dataWrap = byId('detail-data-wrap');
  const data = byId('detail-data');
  const action = byId('detail-action');
  const actions = byId('detail-actions');
  const readButton = byId('detail-read');
  const deleteButton = byId('detail-delete');
  let current = null;

  function render(n) {
    current = n;
    title.textContent = n.title || t('notification.no_title');
    replaceChildren(meta,
      entry(t('list.col_type'), labelOf(types(), n.type)),
      entry(t('list.col_category'), labelOf(categories(), n.category)),
      entry(t('list.col_received'), dateTime(n.created_at)),
      entry(t('list.col_state'), n.is_read ? t('detail.read_at', { time: dateTime(n.read_at) }).trim() : t('state.unread')));
    content.textContent = n.content ?? '';
    const hasData = n.data && typeof n.data === 'object' && Object.keys(n.data).length > 0;
    dataWrap.hidden = !hasData;
    data.textContent = hasData ? JSON.stringify(n.data, null, 2) : '';
    const link = actionLink(n, location.origin);
    action.hidden = !link;
    replaceChildren(action, link ? h('a', {
      class: 'button',
      href: link.href,
      target: link.external ? '_blank' : null,
      rel: link.external ? 'noopener noreferrer' : null,
    }, link.external ? t('detail.open_link_new_tab') : t('detail.open_link')) : null);
    replaceChildren(actions, actionButtons(n, {
      store,
      onTaken: (record) => current?.id === record.id && render({ ...current, ...record }),
      onError: (error) => {
        onError(error);
        api.get(n.id).then((fresh) => dialog.open && current?.id === fresh.id && render(fresh), () => {});
      },
    }));
    readButton.hidden = Boolean(n.is_read);
  }

  readButton.addEventListener('click', () => {
    const id = current.id;
    store.markRead(id).then(() => render({ ...current, is_read: true, read_at: new Date().toISOString() }), onError);
  });
  deleteButton.addEventListener('click', () => {
    store.remove(current.id).then(() => dialog.close(), onError);
  });

  return function open(notification, pending = Promise.resolve()) {
    render(notification);
    if (!dialog.open) dialog.showModal();
    // The pushed or listed copy may be older than the stored one.
    pending
      .catch(() => {})
      .then(() => api.get(notification.id))
      .then((fresh) => {
        if (dialog.open && current?.id === fresh.id) render(fresh);
      }, onError);
  };
}

function entry(term, value) {
  return [h('dt', {}, term), h('dd', {}, value || '—')];
}
