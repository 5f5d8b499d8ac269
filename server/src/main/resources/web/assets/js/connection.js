// Shows the state of the WebSocket link (from herald.js `state` events) in the top bar.

import { t } from './i18n.js';

/**
 * @param {HTMLElement} status a role="status" element
 * @param {HTMLElement} reconnect a button offered when the client stopped trying by itself
 * @param {import('../../herald.js').StateChange} change
 */
export function showConnection(status, reconnect, change) {
  status.dataset.state = change.state;
  status.textContent = describe(change);
  reconnect.hidden = change.state !== 'closed' || change.reason === 'client';
}

function describe({ state, delay, attempt, code }) {
  switch (state) {
    case 'open':
      return t('connection.open');
    case 'connecting':
      return t('connection.connecting');
    case 'reconnecting':
      return t('connection.reconnecting', { seconds: Math.max(1, Math.round(delay / 1000)), attempt });
    default:
      return code === 4001 ? t('connection.kicked') : t('connection.offline');
  }
}
