// Toasts for notifications that arrive live; a burst (e.g. after a reconnect) becomes one summary.

import { t } from '../i18n.js';

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
      toaster.show({ title: t('arrivals.many', { count: arrived.length }), action: { label: t('arrivals.show'), run: showAll } });
      return;
    }
    for (const n of arrived) {
      toaster.show({
        title: n.title || t('arrivals.one'),
        body: preview(n.content ?? n.message),
        kind: KINDS[n.type] ?? 'info',
        action: n.id == null ? undefined : { label: t('arrivals.view'), run: () => openDetail(n) },
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
