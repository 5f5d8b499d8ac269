// The full notification list: search, filters, paging, selection with batch read and delete.

import { byId, h, keepingFocus, replaceChildren } from '../dom.js';
import { dateTime, timeAgo } from '../format.js';
import { t } from '../i18n.js';
import { categories, labelOf, types } from '../vocabulary.js';
import { actionButtons, groupCount, stateControls } from './controls.js';

const FILTERS = ['keyword', 'type', 'category', 'is_read', 'archived', 'start_date', 'end_date'];

/**
 * @param {object} deps
 * @param {ReturnType<typeof import('../api.js').inboxApi>} deps.api
 * @param {import('./store.js').InboxStore} deps.store
 * @param {(notification: object) => void} deps.openDetail
 * @param {(error: unknown) => void} deps.onError
 * @returns {{reload: () => Promise<void>}}
 */
export function mountListPage({ api, store, openDetail, onError }) {
  const form = /** @type {HTMLFormElement} */ (byId('filters'));
  const rows = byId('rows');
  const empty = byId('list-empty');
  const summary = byId('list-summary');
  const selectPage = /** @type {HTMLInputElement} */ (byId('select-page'));
  const selectionCount = byId('selection-count');
  const batchRead = /** @type {HTMLButtonElement} */ (byId('batch-read'));
  const batchDelete = /** @type {HTMLButtonElement} */ (byId('batch-delete'));
  const batchArchive = /** @type {HTMLButtonElement} */ (byId('batch-archive'));
  const prev = /** @type {HTMLButtonElement} */ (byId('page-prev'));
  const next = /** @type {HTMLButtonElement} */ (byId('page-next'));
  const pageSize = /** @type {HTMLSelectElement} */ (byId('page-size'));

  const TYPES = types();
  const CATEGORIES = categories();
  fillOptions(form.elements.namedItem('type'), TYPES);
  fillOptions(form.elements.namedItem('category'), CATEGORIES);

  let page = 1;
  let total = 0;
  /** @type {Array<object>} */ let shown = [];
  const selected = new Set();
  let loading = null;

  function filters() {
    const data = new FormData(form);
    return Object.fromEntries(FILTERS.map((name) => [name, String(data.get(name) ?? '').trim()]));
  }

  async function reload() {
    const request = api.list({ ...filters(), page, page_size: Number(pageSize.value) });
    loading = request;
    let result;
    try {
      result = await request;
    } catch (error) {
      if (loading === request) onError(error);
      return;
    }
    if (loading !== request) return; // a newer reload is on its way
    total = result.total;
    const lastPage = Math.max(1, Math.ceil(total / Number(pageSize.value)));
    if (page > lastPage && result.list.length === 0 && total > 0) {
      page = lastPage; // the page emptied (deleted or read away): show the last one that exists
      return reload();
    }
    shown = result.list;
    for (const id of [...selected]) if (!shown.some((n) => n.id === id)) selected.delete(id);
    render(lastPage);
  }

  function render(lastPage) {
    keepingFocus(rows, () => replaceChildren(rows, shown.map(row)));
    empty.hidden = shown.length > 0;
    summary.textContent = total === 0 ? t('list.summary_none') : t('list.summary', { page, pages: lastPage, count: total });
    prev.disabled = page <= 1;
    next.disabled = page >= lastPage;
    renderSelection();
  }

  function row(n) {
    const title = n.title || t('notification.no_title');
    const checkbox = h('input', { type: 'checkbox', 'aria-label': t('list.select_one', { title }), checked: selected.has(n.id) });
    checkbox.addEventListener('change', () => {
      if (checkbox.checked) selected.add(n.id);
      else selected.delete(n.id);
      renderSelection();
    });
    return h('tr', { class: n.is_read ? 'read' : 'unread', dataset: { id: n.id } },
      h('td', { class: 'col-check' }, checkbox),
      h('td', { class: 'col-title' },
        h('button', { type: 'button', class: 'title-button', onclick: () => openDetail(n) }, title),
        groupCount(n),
        n.content ? h('span', { class: 'row-content' }, n.content) : null,
        actionButtons(n, { store, onError })),
      h('td', { 'data-label': t('list.col_type') }, h('span', { class: `chip type-${n.type}` }, labelOf(TYPES, n.type))),
      h('td', { 'data-label': t('list.col_category') }, labelOf(CATEGORIES, n.category)),
      h('td', { 'data-label': t('list.col_received') }, h('time', { datetime: n.created_at, title: dateTime(n.created_at) }, timeAgo(n.created_at))),
      h('td', { 'data-label': t('list.col_state'), class: 'col-state' }, n.is_read ? t('state.read') : t('state.unread')),
      h('td', { class: 'col-actions' },
        n.is_read ? null : h('button', {
          type: 'button',
          class: 'button subtle small',
          'aria-label': t('list.mark_one_read', { title }),
          onclick: () => store.markRead(n.id).catch(onError),
        }, t('action.mark_read')),
        stateControls(n, { store, onError }),
        h('button', {
          type: 'button',
          class: 'button subtle small danger',
          'aria-label': t('action.delete_one', { title }),
          onclick: () => store.remove(n.id).catch(onError),
        }, t('action.delete'))));
  }

  function renderSelection() {
    const count = selected.size;
    selectionCount.textContent = t('list.selected', { count });
    batchRead.disabled = !shown.some((n) => selected.has(n.id) && !n.is_read);
    batchDelete.disabled = count === 0;
    batchArchive.disabled = count === 0 || filters().archived === 'true';
    selectPage.checked = shown.length > 0 && shown.every((n) => selected.has(n.id));
    selectPage.indeterminate = count > 0 && !selectPage.checked;
  }

  function goTo(newPage) {
    page = newPage;
    reload();
  }

  selectPage.addEventListener('change', () => {
    for (const n of shown) {
      if (selectPage.checked) selected.add(n.id);
      else selected.delete(n.id);
    }
    render(Math.max(1, Math.ceil(total / Number(pageSize.value))));
  });
  batchRead.addEventListener('click', () => {
    store.readMany([...selected]).then(() => selected.clear(), onError);
  });
  batchArchive.addEventListener('click', () => {
    store.archiveMany([...selected]).then(() => selected.clear(), onError);
  });
  batchDelete.addEventListener('click', () => {
    if (!confirm(t('list.confirm_delete', { count: selected.size }))) return;
    store.removeMany([...selected]).then(() => selected.clear(), onError);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    goTo(1);
  });
  form.addEventListener('reset', () => setTimeout(() => goTo(1)));
  form.addEventListener('change', (event) => {
    if (event.target.name !== 'keyword') goTo(1);
  });
  let typing;
  form.elements.namedItem('keyword').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => goTo(1), 300);
  });
  prev.addEventListener('click', () => goTo(page - 1));
  next.addEventListener('click', () => goTo(page + 1));
  pageSize.addEventListener('change', () => goTo(1));

  return { reload };
}

function fillOptions(select, vocabulary) {
  for (const [value, label] of Object.entries(vocabulary)) select.append(h('option', { value }, label));
}
