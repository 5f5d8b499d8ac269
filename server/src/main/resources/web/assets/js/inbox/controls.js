// Controls shared by the bell dropdown, the list and the detail dialog: a notification's actions
// (approve, …), its collapsed count, and mark unread / archive / unarchive / the snooze menu.

import { ApiError } from '../api.js';
import { h } from '../dom.js';
import { dateTime } from '../format.js';
import { t } from '../i18n.js';
import { actionLink } from '../links.js';
import { menuButton } from '../menu-button.js';

/** "×5" with the accessible text "5 similar notifications", or null for an ordinary one. */
export function groupCount(n) {
  const count = Number(n.group_count ?? 1);
  if (!(count > 1)) return null;
  return h('span', { class: 'group-count' },
    h('span', { 'aria-hidden': 'true' }, t('notification.group_badge', { count })),
    h('span', { class: 'visually-hidden' }, t('notification.group_similar', { count })));
}

/**
 * The action buttons of a notification, or what was taken ("Approved ✓ · 12:03").
 * @param {object} n
 * @param {{store: import('./store.js').InboxStore, onError: (e: unknown) => void, onTaken?: (record: object) => void}} deps
 */
export function actionButtons(n, { store, onError, onTaken }) {
  const actions = Array.isArray(n.actions) ? n.actions : [];
  if (actions.length === 0) return null;
  const title = n.title || t('notification.no_title');
  if (n.action_taken) {
    const taken = actions.find((a) => a.id === n.action_taken.id);
    return h('p', { class: 'action-taken' },
      t('notification.action_taken', { label: taken?.label ?? n.action_taken.id, time: dateTime(n.action_taken.at) }));
  }
  return h('div', { class: 'notification-actions', role: 'group', 'aria-label': t('notification.actions_label', { title }) },
    actions.map((action) => h('button', {
      type: 'button',
      class: `button small ${action.style === 'primary' ? 'primary' : 'subtle'}`,
      dataset: { action: action.id },
      onclick: (event) => {
        event.currentTarget.disabled = true;
        take(n, action, store).then((record) => onTaken?.(record), onError);
      },
    }, action.label)));
}

async function take(n, action, store) {
  let record;
  try {
    record = await store.takeAction(n.id, action.id);
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      await store.refreshOne(n.id); // taken already (another tab): show which one
    }
    throw error;
  }
  const link = action.url ? actionLink({ action_type: 'link', action_data: action.url }, location.origin) : null;
  if (link?.external) window.open(link.href, '_blank', 'noopener');
  else if (link) location.assign(link.href);
  return record;
}

/** When each snooze choice ends, in local time: in an hour, tomorrow 09:00, next Monday 09:00. */
export function snoozeChoices(now = new Date()) {
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0, 0);
  const daysToMonday = ((8 - now.getDay()) % 7) || 7;
  const monday = new Date(now.getFullYear(), now.getMonth(), now.getDate() + daysToMonday, 9, 0, 0);
  return [
    { id: 'hour', label: t('snooze.hour'), until: new Date(now.getTime() + 3_600_000) },
    { id: 'tomorrow', label: t('snooze.tomorrow'), until: tomorrow },
    { id: 'next_week', label: t('snooze.next_week'), until: monday },
  ];
}

/**
 * The snooze menu button of a notification (the same in the dropdown, the list and the dialog).
 * @param {object} n
 * @param {{store: import('./store.js').InboxStore, onError: (e: unknown) => void, onSnoozed?: () => void}} deps
 */
function snoozeMenu(n, { store, onError, onSnoozed }) {
  const title = n.title || t('notification.no_title');
  return menuButton({
    label: t('action.snooze'),
    triggerLabel: t('action.snooze_one', { title }),
    triggerClass: 'button subtle small snooze',
    menuLabel: t('snooze.menu_label', { title }),
    items: snoozeChoices().map((choice) => ({
      label: choice.label,
      title: dateTime(choice.until.toISOString()),
      dataset: { snooze: choice.id },
      // the time is taken when chosen, not when the menu was drawn
      choose: () => {
        const until = snoozeChoices().find((c) => c.id === choice.id).until.toISOString();
        store.snooze(n.id, until).then(() => onSnoozed?.(), onError);
      },
    })),
  });
}

/**
 * Mark unread (when read), archive or unarchive, and the snooze menu. `onChanged` hears which
 * change the server took: 'unread', 'archived', 'unarchived' or 'snoozed'.
 * @param {object} n
 * @param {{store: import('./store.js').InboxStore, onError: (e: unknown) => void, onChanged?: (change: string) => void}} deps
 */
export function stateControls(n, { store, onError, onChanged }) {
  const title = n.title || t('notification.no_title');
  const button = (className, label, aria, change, run) => h('button', {
    type: 'button',
    class: `button subtle small ${className}`,
    'aria-label': aria,
    onclick: () => run().then(() => onChanged?.(change), onError),
  }, label);
  if (n.archived) {
    return h('div', { class: 'state-controls' },
      button('unarchive', t('action.unarchive'), t('action.unarchive_one', { title }), 'unarchived', () => store.unarchive(n.id)));
  }
  return h('div', { class: 'state-controls' },
    n.is_read ? button('mark-unread', t('action.mark_unread'), t('action.mark_unread_one', { title }), 'unread', () => store.markUnread(n.id)) : null,
    button('archive', t('action.archive'), t('action.archive_one', { title }), 'archived', () => store.archive(n.id)),
    snoozeMenu(n, { store, onError, onSnoozed: () => onChanged?.('snoozed') }));
}
