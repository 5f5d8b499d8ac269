// Who is signed in on this page: a token kept in sessionStorage, handed in by ?token= or demo mode.

import { jwtClaims, tokenExpiry } from '../../herald.js';
import { currentLanguage, t } from './i18n.js';

/** Keeps one page's credentials (`scope` separates the inbox from the console). */
export class Session {
  #key;
  #storage;

  /**
   * @param {string} scope
   * @param {Storage} [storage]
   */
  constructor(scope, storage = globalThis.sessionStorage) {
    this.#key = `herald.${scope}`;
    this.#storage = storage;
  }

  /**
   * Moves `?token=` from the address bar into session storage (so it is neither bookmarked nor
   * left in the history) and reports whether there was one.
   */
  adoptTokenFromUrl(location = globalThis.location, history = globalThis.history) {
    const url = new URL(location.href);
    const token = url.searchParams.get('token');
    if (!token) return false;
    this.save({ token });
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    return true;
  }

  /** @returns {{token: string, demoUserId?: number} | null} */
  get current() {
    try {
      const value = JSON.parse(this.#storage.getItem(this.#key) ?? 'null');
      return value && typeof value.token === 'string' ? value : null;
    } catch {
      return null;
    }
  }

  get token() {
    return this.current?.token ?? null;
  }

  /** The user id in the token (`sub`), or null for API keys and foreign tokens. */
  get userId() {
    const sub = jwtClaims(this.token)?.sub;
    return sub == null ? null : Number(sub);
  }

  /** True when the token is a JWT whose expiry has passed. */
  isExpired(now = Date.now()) {
    const expiry = tokenExpiry(this.token);
    return expiry !== null && expiry <= now;
  }

  /** @param {{token: string, demoUserId?: number}} value */
  save(value) {
    this.#storage.setItem(this.#key, JSON.stringify(value));
  }

  clear() {
    this.#storage.removeItem(this.#key);
  }
}

/**
 * The demo users, or null when demo mode is off.
 * @returns {Promise<Array<{user_id: number, name: string}> | null>}
 */
export async function demoUsers(fetchFn = globalThis.fetch) {
  try {
    const response = await fetchFn('/demo/users', { headers: { Accept: 'application/json' } });
    if (!response.ok) return null;
    const body = await response.json();
    return body?.data?.enabled ? body.data.users ?? [] : null;
  } catch {
    return null;
  }
}

/**
 * Asks the demo endpoint for a token.
 * @returns {Promise<string>}
 */
export async function demoToken(userId, admin = false, fetchFn = globalThis.fetch) {
  const response = await fetchFn('/demo/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Accept-Language': currentLanguage() },
    body: JSON.stringify({ user_id: userId, admin }),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok || !body?.data?.token) throw new Error(body?.message || t('signin.demo_unavailable'));
  return body.data.token;
}
