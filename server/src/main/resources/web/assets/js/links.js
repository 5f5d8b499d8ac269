// Which action links a notification may open.

/**
 * The URL a notification's action opens, or null when it has none or it is not safe.
 * `action_type` must be `link`; `action_data` is a URL string, an object `{url}` (seed 000), or
 * that object as a JSON string. Only http(s) URLs and same-origin paths are allowed — never
 * `javascript:`, `data:` or any other scheme.
 * @param {{action_type?: string, action_data?: any}} notification
 * @param {string} origin the page's origin, e.g. `location.origin`
 * @returns {{href: string, external: boolean} | null}
 */
export function actionLink(notification, origin) {
  if (notification?.action_type !== 'link') return null;
  const raw = linkTarget(notification.action_data);
  if (!raw) return null;
  let url;
  try {
    url = new URL(raw.trim(), origin);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return { href: url.href, external: url.origin !== new URL(origin).origin };
}

function linkTarget(data) {
  if (typeof data === 'string') {
    if (!data.trim().startsWith('{')) return data;
    try {
      return linkTarget(JSON.parse(data));
    } catch {
      return null;
    }
  }
  return data && typeof data.url === 'string' ? data.url : null;
}
