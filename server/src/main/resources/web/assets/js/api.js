// HTTP calls to Herald's API: the {code, message, data} envelope, bearer credentials, errors.

import { currentLanguage, t } from './i18n.js';

/** A failed API call: `status` is the HTTP status (0 when the server could not be reached). */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {Record<string, string>} [fieldErrors] validation errors by field name
   */
  constructor(status, message, fieldErrors = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.fieldErrors = fieldErrors;
  }
}

/** Query string from an object, leaving out empty values ('' / null / undefined). */
export function queryString(params = {}) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === '' || value == null) continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export class ApiClient {
  #credentials;
  #fetch;

  /**
   * @param {object} options
   * @param {() => (string | null)} options.credentials the bearer token or API key to send
   * @param {typeof fetch} [options.fetch]
   */
  constructor({ credentials, fetch = (...args) => globalThis.fetch(...args) }) {
    this.#credentials = credentials;
    this.#fetch = fetch;
  }

  get(path, query) {
    return this.call('GET', path + queryString(query));
  }

  post(path, body = {}, query) {
    return this.call('POST', path + queryString(query), body);
  }

  put(path, body = {}) {
    return this.call('PUT', path, body);
  }

  delete(path) {
    return this.call('DELETE', path);
  }

  /** Sends a request and returns the envelope's `data`; throws ApiError when it failed. */
  async call(method, path, body) {
    const headers = { Accept: 'application/json', 'Accept-Language': currentLanguage() };
    const credentials = this.#credentials();
    if (credentials) headers.Authorization = `Bearer ${credentials}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await this.#fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, t('api.unreachable'));
    }
    const envelope = await response.json().catch(() => null);
    if (!response.ok || !envelope) {
      throw new ApiError(response.status, envelope?.message || t('api.failed', { method, path, status: String(response.status) }), envelope?.data?.errors);
    }
    return envelope.data;
  }
}

const INBOX = '/admin/system/notifications';

/** The notification inbox API (SPEC §5). */
export function inboxApi(client) {
  return {
    list: (filters) => client.get(INBOX, filters),
    unreadCount: (query) => client.get(`${INBOX}/unread-count`, query),
    get: (id) => client.get(`${INBOX}/${encodeURIComponent(id)}`),
    read: (id) => client.post(`${INBOX}/${encodeURIComponent(id)}/read`),
    batchRead: (ids) => client.post(`${INBOX}/batch-read`, { ids }),
    readAll: () => client.post(`${INBOX}/read-all`),
    remove: (id) => client.delete(`${INBOX}/${encodeURIComponent(id)}`),
    batchDelete: (ids) => client.post(`${INBOX}/batch-delete`, { ids }),
    clearRead: () => client.post(`${INBOX}/clear-read`),
    unread: (id) => client.post(`${INBOX}/${encodeURIComponent(id)}/unread`),
    archive: (id) => client.post(`${INBOX}/${encodeURIComponent(id)}/archive`),
    unarchive: (id) => client.post(`${INBOX}/${encodeURIComponent(id)}/unarchive`),
    batchArchive: (ids) => client.post(`${INBOX}/batch-archive`, { ids }),
    snooze: (id, until) => client.post(`${INBOX}/${encodeURIComponent(id)}/snooze`, { until }),
    takeAction: (id, actionId) => client.post(`${INBOX}/${encodeURIComponent(id)}/actions/${encodeURIComponent(actionId)}`),
    preferences: () => client.get(`${INBOX}/preferences`),
    savePreferences: (changes) => client.put(`${INBOX}/preferences`, changes),
    statistics: (query) => client.get(`${INBOX}/statistics`, query),
    send: (notification) => client.post(`${INBOX}/send`, notification),
    retryUnsent: (limit) => client.post(`${INBOX}/retry-unsent`, {}, { limit }),
  };
}

const GATEWAY = '/admin/websocket';

/** The gateway's server API (SPEC §5, seed 000 paths) used by the console. */
export function gatewayApi(client) {
  return {
    onlineUsers: () => client.get(`${GATEWAY}/online-users`),
    disconnectUser: (userId) => client.post(`${GATEWAY}/disconnect-user`, { user_id: userId }),
    pushDataUpdateChannel: (update) => client.post(`${GATEWAY}/push-data-update-channel`, update),
  };
}
