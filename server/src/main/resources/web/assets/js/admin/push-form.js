// "Push a data update to a channel" (POST /admin/websocket/push-data-update-channel).

import { byId } from '../dom.js';
import { t } from '../i18n.js';
import { showResult } from './result.js';

/** @param {{gateway: ReturnType<typeof import('../api.js').gatewayApi>}} deps */
export function mountPushForm({ gateway }) {
  const form = /** @type {HTMLFormElement} */ (byId('push-form'));
  const result = byId('push-result');
  const value = (name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value.trim();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let data;
    try {
      data = JSON.parse(value('data') || '{}');
      if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error();
    } catch {
      showResult(result, t('push.bad_json'), false);
      return;
    }
    if (!value('channel') || !value('resource_type')) {
      showResult(result, t('push.fields_needed'), false);
      return;
    }
    try {
      const reply = await gateway.pushDataUpdateChannel({
        channel: value('channel'),
        resource_type: value('resource_type'),
        action: value('action'),
        data,
      });
      showResult(result, t('push.published', { channel: reply.channel, offset: String(reply.offset) }), true);
    } catch (error) {
      showResult(result, error.message, false);
    }
  });
}
