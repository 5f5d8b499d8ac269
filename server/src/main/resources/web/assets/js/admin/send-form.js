// "Send a notification": to everyone or chosen users, with type, category, level and action link.

import { byId, h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { categories, levels, types } from '../vocabulary.js';
import { showResult } from './result.js';

/**
 * @param {object} deps
 * @param {ReturnType<typeof import('../api.js').inboxApi>} deps.inbox
 * @param {Array<{user_id: number, name: string}>} deps.knownUsers
 */
export function mountSendForm({ inbox, knownUsers }) {
  const form = /** @type {HTMLFormElement} */ (byId('send-form'));
  const result = byId('send-result');
  const users = byId('send-users');
  const idsField = byId('send-ids-field');
  const field = (name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));

  fill(field('type'), types(), 'info');
  fill(field('category'), categories(), 'system');
  fill(field('level'), levels(), 'urgent');
  replaceChildren(users, knownUsers.map((user) =>
    h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: 'recipient', value: user.user_id }),
      `${user.name} (${user.user_id})`)));

  form.addEventListener('change', () => {
    const chosen = field('audience').value === 'chosen';
    users.hidden = !chosen || knownUsers.length === 0;
    idsField.hidden = !chosen;
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let body;
    try {
      body = requestBody();
    } catch (error) {
      showResult(result, error.message, false);
      return;
    }
    try {
      const sent = await inbox.send(body);
      const stored = t('send.stored', { count: sent.count });
      const live = body.level === 'urgent' ? t('send.pushed', { count: sent.pushed }) : t('send.not_pushed');
      showResult(result, t('send.sent', { stored, live }), true);
      field('title').value = '';
      field('content').value = '';
    } catch (error) {
      const details = Object.entries(error.fieldErrors ?? {}).map(([name, reason]) => `${name}: ${reason}`);
      showResult(result, [error.message, ...details].join(' — '), false);
    }
  });

  function requestBody() {
    const title = field('title').value.trim();
    const content = field('content').value.trim();
    if (!title) throw new Error(t('send.title_needed'));
    if (!content) throw new Error(t('send.content_needed'));
    const body = {
      title,
      content,
      type: field('type').value,
      category: field('category').value,
      level: field('level').value,
    };
    if (field('audience').value === 'chosen') {
      body.user_ids = chosenUserIds();
      if (body.user_ids.length === 0) throw new Error(t('send.users_needed'));
    }
    const url = field('action_url').value.trim();
    if (url) {
      body.action_type = 'link';
      body.action_data = url;
    }
    return body;
  }

  function chosenUserIds() {
    const ticked = [...form.querySelectorAll('input[name="recipient"]:checked')].map((box) => Number(box.value));
    const typed = field('user_ids').value.split(/[\s,]+/).filter(Boolean);
    const bad = typed.filter((text) => !/^[1-9]\d*$/.test(text));
    if (bad.length) throw new Error(t('send.bad_ids', { ids: bad.join(', ') }));
    return [...new Set([...ticked, ...typed.map(Number)])];
  }
}

function fill(select, vocabulary, selected) {
  replaceChildren(select, Object.entries(vocabulary).map(([value, label]) =>
    h('option', { value, selected: value === selected }, label)));
}
