// Toasts for notifications that arrive live; a burst (e.g. after a reconnect) becomes one summary.

import { plural } from '../format.js';

const KINDS = { success: 'success', warning: 'warning', error: 'error' };
const PREVIEW_CHARS = 140;

/**
 * @param {object} deps
 * @param {import('../toast.js').Toaster} deps.toaster
 * @param {(notification: object) => void} deps.openDetail
 * @param {() => void} deps.showAll brings the full list into view
 * @param {number} [deps.windowMs] arrivals closer together than this are announced together
 * @returns {(notification: object) => void}
 */
export function arrivalAnnouncer({ toaster, openDetail, showAll, windowMs = 400 }) {
  let batch = [];
  let timer = null;

  function flush() {
    timer = null;
    const arrived = batch;
    batch = [];
    if (arrived.length > 2) {
      toaster.show({ title: `${plural(arrived.length, 'new notification')}`, action: { label: 'Show', run: showAll } });
      return;
    }
    for (const n of arrived) {
      toaster.show({
        title: n.title || 'New notification',
        body: preview(n.content ?? n.message),
        kind: KINDS[n.type] ?? 'info',
        action: n.id == null ? undefined : { label: 'View', run: () => openDetail(n) },
      });
    }
  }

  return (notification) => {
    batch.push(notification);
    timer ??= setTimeout(flush, windowMs);
  };
}

function preview(text) {
  if (!text) return '';
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
}
