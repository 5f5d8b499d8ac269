// Shows the state of the WebSocket link (from herald.js `state` events) in the top bar.

/**
 * @param {HTMLElement} node a role="status" element
 * @param {import('../../herald.js').StateChange} change
 */
export function showConnection(node, change) {
  node.dataset.state = change.state;
  node.textContent = describe(change);
}

function describe({ state, delay, attempt }) {
  switch (state) {
    case 'open':
      return 'Live';
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting':
      return `Reconnecting in ${Math.max(1, Math.round(delay / 1000))} s (try ${attempt})`;
    default:
      return 'Offline';
  }
}
