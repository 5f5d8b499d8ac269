// "Statistics" of one user's inbox: totals by type and category and the read/unread split.

import { byId, h, replaceChildren } from '../dom.js';
import { formatNumber, t } from '../i18n.js';
import { categories, labelOf, types } from '../vocabulary.js';
import { barChart, readSplit } from './charts.js';

/**
 * @param {object} deps
 * @param {ReturnType<typeof import('../api.js').inboxApi>} deps.inbox
 * @param {Array<{user_id: number, name: string}>} deps.knownUsers offered as suggestions
 * @param {number | null} deps.initialUserId shown first
 * @returns {() => Promise<void>} reloads the figures
 */
export function mountStats({ inbox, knownUsers, initialUserId }) {
  const body = byId('stats-body');
  const form = byId('stats-form');
  const userInput = /** @type {HTMLInputElement} */ (byId('stats-user'));
  byId('known-users').append(...knownUsers.map((u) => h('option', { value: u.user_id }, u.name)));
  userInput.value = String(initialUserId ?? knownUsers[0]?.user_id ?? 1);

  async function reload() {
    const userId = Number(userInput.value);
    if (!(userId > 0)) return;
    let stats;
    try {
      stats = await inbox.statistics({ user_id: userId });
    } catch (error) {
      replaceChildren(body, h('p', { class: 'error-text' }, error.message));
      return;
    }
    replaceChildren(body,
      h('p', {}, h('span', { class: 'big-number' }, formatNumber(stats.total ?? 0)), t('stats.total', { count: stats.total ?? 0, id: String(userId) })),
      readSplit(stats.unread ?? 0, stats.read ?? 0),
      barChart(t('stats.by_type'), entries(stats.by_type, types()), 'type-'),
      barChart(t('stats.by_category'), entries(stats.by_category, categories())));
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    reload();
  });
  return reload;
}

/** Every known value (zero when absent) followed by any the server reports beyond them. */
function entries(counts = {}, vocabulary) {
  const keys = [...new Set([...Object.keys(vocabulary), ...Object.keys(counts)])];
  return keys.map((key) => ({ key, label: labelOf(vocabulary, key), value: Number(counts[key] ?? 0) }));
}
