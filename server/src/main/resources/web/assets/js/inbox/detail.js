// The detail view of one notification, in a modal dialog.

import { byId, h, keepingFocus, replaceChildren } from '../dom.js';
import { dateTime } from '../format.js';
import { actionLink } from '../links.js';
import { t } from '../i18n.js';
import { categories, labelOf, types } from '../vocabulary.js';
import { actionButtons, stateControls } from './controls.js';

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
  const states = byId('detail-states');
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
      entry(t('list.col_state'), [
        n.is_read ? t('detail.read_at', { time: dateTime(n.read_at) }).trim() : t('state.unread'),
        n.archived ? t('state.archived') : null,
      ].filter(Boolean).join(' · ')));
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
    // the stored copy re-renders the dialog just after it opens: focus (an open menu too) stays
    const controls = stateControls(n, { store, onError, onChanged: (change) => changed(n.id, change) });
    controls.dataset.id = String(n.id);
    keepingFocus(states, () => replaceChildren(states, controls));
    readButton.hidden = Boolean(n.is_read);
  }

  /** After mark unread, archive, unarchive or snooze from the dialog. */
  function changed(id, change) {
    if (!dialog.open || current?.id !== id) return;
    if (change === 'snoozed') {
      dialog.close(); // hidden until then, like a deleted one
      return;
    }
    const patch = {
      unread: { is_read: false, read_at: null },
      archived: { archived: true },
      unarchived: { archived: false },
    }[change];
    render({ ...current, ...patch });
    // focus on the control that undoes it
    ({
      unread: readButton,
      archived: states.querySelector('button.unarchive'),
      unarchived: states.querySelector('button.archive'),
    })[change]?.focus();
  }

  readButton.addEventListener('click', () => {
    const id = current.id;
    store.markRead(id).then(() => {
      if (current?.id !== id) return;
      render({ ...current, is_read: true, read_at: new Date().toISOString() });
      states.querySelector('button.mark-unread')?.focus();
    }, onError);
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
