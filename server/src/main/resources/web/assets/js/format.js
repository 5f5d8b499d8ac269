// How counts read on the pages; times and numbers are in i18n.js (Intl, in the chosen language).

import { t } from './i18n.js';

export { dateTime, formatNumber, timeAgo } from './i18n.js';

/** The text inside the unread badge: empty for none, "99+" above 99. */
export function badgeText(count) {
  if (!(count > 0)) return '';
  return count > 99 ? '99+' : String(count);
}

/** The accessible name of the bell, e.g. "3 unread notifications" / "3 条未读通知". */
export function unreadLabel(count) {
  if (!(count > 0)) return t('bell.no_unread');
  return t('bell.unread', { count });
}
