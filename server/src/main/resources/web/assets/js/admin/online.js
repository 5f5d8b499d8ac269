// "Online now": the count and the list of connected users, polled, with a disconnect button each.

import { byId, h, replaceChildren } from '../dom.js';
import { formatNumber, t, timeOfDay } from '../i18n.js';
import { every } from './poll.js';

const POLL_MS = 3000;

/**
 * @param {object} deps
 * @param {ReturnType<typeof import('../api.js').gatewayApi>} deps.gateway
 * @param {(userId: number) => string} deps.nameOf
 * @param {(error: unknown) => void} deps.onError
 * @param {(userIds: number[]) => void} [deps.onChange] told the online user ids after each poll
 */
export function mountOnline({ gateway, nameOf, onError, onChange = () => {} }) {
  const count = byId('online-count');
  const list = byId('online-list');
  const updated = byId('online-updated');
  let failing = false;

  async function poll() {
    let online;
    try {
      online = await gateway.onlineUsers();
    } catch (error) {
      if (!failing) onError(error); // say it once, not every few seconds
      failing = true;
      updated.textContent = t('console.unreachable');
      return;
    }
    failing = false;
    const ids = [...(online.user_ids ?? [])].sort((a, b) => a - b);
    count.textContent = formatNumber(online.count ?? ids.length);
    updated.textContent = t('console.updated', { time: timeOfDay() });
    replaceChildren(list, ids.length ? ids.map(row) : h('li', { class: 'muted' }, t('online.nobody')));
    onChange(ids);
  }

  function row(userId) {
    const name = nameOf(userId);
    return h('li', { dataset: { userId } },
      h('span', {}, name),
      h('button', {
        type: 'button',
        class: 'button subtle small danger',
        'aria-label': t('online.disconnect_one', { name }),
        onclick: () => gateway.disconnectUser(userId).then(poll, onError),
      }, t('online.disconnect')));
  }

  return every(POLL_MS, poll);
}
