// How numbers and dates read on the pages.

/** The text inside the unread badge: empty for none, "99+" above 99. */
export function badgeText(count) {
  if (!(count > 0)) return '';
  return count > 99 ? '99+' : String(count);
}

/** The accessible name of the bell, e.g. "3 unread notifications". */
export function unreadLabel(count) {
  if (!(count > 0)) return 'No unread notifications';
  return count === 1 ? '1 unread notification' : `${count} unread notifications`;
}

/**
 * A short "how long ago" for lists: "just now", "5 min ago", "3 h ago", then the date.
 * @param {string} iso
 * @param {number} [now]
 */
export function timeAgo(iso, now = Date.now()) {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return '';
  const seconds = Math.round((now - time) / 1000);
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(time).toLocaleDateString();
}

/** Date and time in the reader's locale, or '' when absent. */
export function dateTime(iso) {
  const time = Date.parse(iso ?? '');
  return Number.isNaN(time) ? '' : new Date(time).toLocaleString();
}

/** "1 notification" / "5 notifications". */
export function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
