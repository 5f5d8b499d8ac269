// The bell in the top bar: unread badge, and a dropdown with the latest notifications.

import { byId, h, keepingFocus, replaceChildren } from '../dom.js';
import { badgeText, timeAgo, unreadLabel } from '../format.js';
import { t } from '../i18n.js';
import { actionButtons, groupCount, stateControls } from './controls.js';
import { TABS, tabById } from './tabs.js';

/**
 * @param {object} deps
 * @param {import('./store.js').InboxStore} deps.store
 * @param {(notification: object, pending?: Promise<unknown>) => void} deps.openDetail
 * @param {(error: unknown) => void} deps.onError
 */
export function mountBell({ store, openDetail, onError }) {
  const button = byId('bell-button');
  const badge = byId('bell-badge');
  const panel = byId('bell-panel');
  const tabList = byId('bell-tabs');
  const list = byId('bell-list');
  const empty = byId('bell-empty');
  const readAll = byId('bell-read-all');
  const clearRead = byId('bell-clear-read');
  const more = byId('bell-more');
  let activeTab = 'all';

  const tabButtons = TABS.map((tab) =>
    h('button', {
      type: 'button',
      role: 'tab',
      id: `bell-tab-${tab.id}`,
      'aria-controls': 'bell-tabpanel',
      dataset: { tab: tab.id },
      onclick: () => selectTab(tab.id, false),
    }, tab.label()),
  );
  tabList.append(...tabButtons);
  tabList.addEventListener('keydown', onTabKey);

  function selectTab(id, focus) {
    activeTab = tabById(id).id;
    for (const tab of tabButtons) {
      const selected = tab.dataset.tab === activeTab;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      if (selected && focus) tab.focus();
    }
    byId('bell-tabpanel').setAttribute('aria-labelledby', `bell-tab-${activeTab}`);
    renderList();
  }

  function onTabKey(event) {
    const index = TABS.findIndex((t) => t.id === activeTab);
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (step) selectTab(TABS[(index + step + TABS.length) % TABS.length].id, true);
    else if (event.key === 'Home') selectTab(TABS[0].id, true);
    else if (event.key === 'End') selectTab(TABS.at(-1).id, true);
    else return;
    event.preventDefault();
  }

  function renderBadge() {
    const count = store.unread;
    badge.textContent = badgeText(count);
    badge.hidden = count <= 0;
    button.setAttribute('aria-label', unreadLabel(count));
    readAll.disabled = count <= 0;
  }

  function renderList() {
    const tab = tabById(activeTab);
    const shown = store.latest.filter(tab.matches);
    keepingFocus(list, () => replaceChildren(list, shown.map(item)));
    empty.hidden = shown.length > 0;
    more.hidden = !store.hasMoreLatest;
  }

  function item(n) {
    const title = n.title || t('notification.no_title');
    return h('li', { class: `bell-item type-${n.type}${n.is_read ? '' : ' unread'}`, dataset: { id: n.id } },
      h('div', { class: 'bell-item-body' },
        h('button', { type: 'button', class: 'bell-item-main', onclick: () => open(n) },
          h('span', { class: 'bell-item-title' }, n.is_read ? null : h('span', { class: 'visually-hidden' }, t('bell.unread_prefix')), title, groupCount(n)),
          n.content ? h('span', { class: 'bell-item-content' }, n.content) : null,
          h('time', { class: 'bell-item-time', datetime: n.updated_at ?? n.created_at }, timeAgo(n.updated_at ?? n.created_at))),
        actionButtons(n, { store, onError }),
        stateControls(n, { store, onError })),
      h('button', {
        type: 'button',
        class: 'icon-button bell-item-delete',
        'aria-label': t('action.delete_one', { title }),
        title: t('action.delete'),
        onclick: () => store.remove(n.id).catch(onError),
      }, '×'));
  }

  function open(notification) {
    setOpen(false);
    if (notification.is_read) return openDetail(notification);
    const reading = store.markRead(notification.id);
    reading.catch(onError);
    openDetail({ ...notification, is_read: true }, reading);
  }

  function setOpen(open) {
    if (open === !panel.hidden) return;
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) {
      store.loadLatest().catch(onError);
      tabButtons.find((t) => t.dataset.tab === activeTab).focus();
    }
  }

  button.addEventListener('click', () => setOpen(panel.hidden));
  panel.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    setOpen(false);
    button.focus();
  });
  document.addEventListener('click', (event) => {
    if (!panel.hidden && !panel.contains(event.target) && !button.contains(event.target)) setOpen(false);
  });
  readAll.addEventListener('click', () => store.readAll().catch(onError));
  clearRead.addEventListener('click', () => {
    if (confirm(t('bell.confirm_clear_read'))) store.clearRead().catch(onError);
  });
  more.addEventListener('click', () => store.loadMoreLatest().catch(onError));
  byId('bell-see-all').addEventListener('click', () => setOpen(false));

  store.addEventListener('unread', renderBadge);
  store.addEventListener('latest', renderList);
  selectTab(activeTab, false);
  renderBadge();
}
