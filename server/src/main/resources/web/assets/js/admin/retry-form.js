// "Retry unsent": runs the retry job now (POST /admin/system/notifications/retry-unsent?limit=N).

import { byId } from '../dom.js';
import { t } from '../i18n.js';
import { showResult } from './result.js';

/** @param {{inbox: ReturnType<typeof import('../api.js').inboxApi>}} deps */
export function mountRetryForm({ inbox }) {
  const form = /** @type {HTMLFormElement} */ (byId('retry-form'));
  const result = byId('retry-result');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const limit = Number(/** @type {HTMLInputElement} */ (form.elements.namedItem('limit')).value) || 100;
    try {
      const reply = await inbox.retryUnsent(limit);
      showResult(result, t('retry.pushed', { count: reply.count }), true);
    } catch (error) {
      showResult(result, error.message, false);
    }
  });
}
