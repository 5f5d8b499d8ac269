// Shows the state of the WebSocket link (from herald.js `state` events) in the top bar.

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
      return 'Live';
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting':
      return `Reconnecting in ${Math.max(1, Math.round(delay / 1000))} s (try ${attempt})`;
    default:
      return code === 4001 ? 'Disconnected by the server' : 'Offline';
  }
}
