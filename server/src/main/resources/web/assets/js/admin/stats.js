// "Statistics": totals by type and category and the read/unread split, for all users or one.

import { byId, h, replaceChildren } from '../dom.js';
import { CATEGORIES, TYPES, labelOf } from '../vocabulary.js';
import { barChart, readSplit } from './charts.js';

/**
 * @param {object} deps
 * @param {ReturnType<typeof import('../api.js').inboxApi>} deps.inbox
 * @param {Array<{user_id: number, name: string}>} deps.knownUsers
 * @returns {() => Promise<void>} reloads the figures
 */
export function mountStats({ inbox, knownUsers }) {
  const body = byId('stats-body');
  const userSelect = /** @type {HTMLSelectElement} */ (byId('stats-user'));
  userSelect.append(...knownUsers.map((u) => h('option', { value: u.user_id }, `${u.name} (${u.user_id})`)));

  async function reload() {
    let stats;
    try {
      stats = await inbox.statistics({ user_id: userSelect.value });
    } catch (error) {
      replaceChildren(body, h('p', { class: 'error-text' }, error.message));
      return;
    }
    replaceChildren(body,
      h('p', {}, h('span', { class: 'big-number' }, stats.total ?? 0), ' notifications'),
      readSplit(stats.unread ?? 0, stats.read ?? 0),
      barChart('By type', entries(stats.by_type, TYPES), 'type-'),
      barChart('By category', entries(stats.by_category, CATEGORIES)));
  }

  userSelect.addEventListener('change', reload);
  return reload;
}

/** Every known value (zero when absent) followed by any the server reports beyond them. */
function entries(counts = {}, vocabulary) {
  const keys = [...new Set([...Object.keys(vocabulary), ...Object.keys(counts)])];
  return keys.map((key) => ({ key, label: labelOf(vocabulary, key), value: Number(counts[key] ?? 0) }));
}
