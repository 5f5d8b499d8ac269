/**
 * herald.js — the browser client for the Herald gateway (served at `/herald.js`).
 *
 * One `Herald` object keeps one WebSocket to the gateway alive (or, where no WebSocket gets
 * through, the `/sse` event stream plus HTTP calls, by itself; see `transport`): it reconnects with exponential
 * backoff, jitter and a cap; it detects dead links with a JSON ping and a reply deadline; it
 * matches request replies by `id`; it resubscribes channels after a reconnect and resumes them from
 * the last offset it saw; it acknowledges inbox notifications (the server pushes the undelivered
 * ones itself on every open; `sync()` asks again on demand); and it asks a token
 * provider for a fresh token when the old one expires. See docs/client.md.
 *
 * @module herald
 */

/** @typedef {'connecting' | 'open' | 'reconnecting' | 'closed'} HeraldState */

/**
 * @typedef {object} ReconnectOptions
 * @property {number} [baseMs=1000] delay before the first retry; it doubles on every further retry
 * @property {number} [maxMs=30000] the cap no delay exceeds
 * @property {number} [maxAttempts=Infinity] retries after a drop before the client gives up
 * @property {number} [jitter=0.5] fraction (0..1) of each delay that is random: a delay lies in
 *   `[d * (1 - jitter), d]` where `d = min(maxMs, baseMs * 2^attempt)`
 * @property {number} [restartMaxMs=5000] the cap instead of `maxMs` after the server closed the
 *   link with 1012 (it is restarting, e.g. a deploy): the client keeps trying every few seconds
 *   until it is back, rather than waiting up to `maxMs` once the restart took a few retries
 */

/**
 * @typedef {object} HeartbeatOptions
 * @property {number} [intervalMs=25000] how often a JSON `ping` is sent while the link is open
 * @property {number} [timeoutMs=10000] a ping with no frame at all received within this time means
 *   the link is dead: it is dropped and the client reconnects
 */

/**
 * @typedef {object} Timers
 * @property {(fn: () => void, ms: number) => any} setTimeout
 * @property {(handle: any) => void} clearTimeout
 * @property {() => number} now wall-clock milliseconds (used for token expiry)
 */

/**
 * @typedef {object} HeraldOptions
 * @property {string} [url] WebSocket URL; relative URLs resolve against the page (default `/ws`)
 * @property {string} [token] a user JWT
 * @property {() => (string | Promise<string>)} [tokenProvider] returns a token; called before the
 *   first connect, again after the server said `token_expired` or refused a connection, and
 *   shortly before the token's `exp` (the new token is handed over with a `refresh` frame)
 * @property {ReconnectOptions} [reconnect]
 * @property {HeartbeatOptions} [heartbeat]
 * @property {number} [requestTimeoutMs=10000] default time `request()` waits for its reply
 * @property {boolean} [autoAck=true] acknowledge received notifications automatically
 * @property {number} [ackDelayMs=50] acks received within this window go out in one frame
 * @property {number} [ackBatchSize=100] a batch is sent at once when it reaches this size
 * @property {number} [refreshLeadMs=60000] how long before `exp` the token is refreshed (at most
 *   half of the token's remaining life)
 * @property {number[]} [finalCloseCodes=[4001]] server close codes after which the client stays
 *   closed instead of reconnecting (4001: disconnected by the server's API, do not come back)
 * @property {'auto' | 'websocket' | 'sse'} [transport='auto'] `auto`: the WebSocket, and the event
 *   stream (`/sse`) once `fallbackAfter` WebSocket connects in a row failed before opening while no
 *   WebSocket of this client ever opened (a proxy that refuses the upgrade); `websocket` never falls
 *   back; `sse` uses the event stream from the start. The page's API is the same on both.
 * @property {number} [fallbackAfter=2] failed WebSocket connects before `auto` switches to the stream
 * @property {string} [sseUrl] event-stream URL (default: `url` with `/ws` → `/sse`, ws → http)
 * @property {string} [apiUrl] origin of the HTTP API used on the event stream (default: `url`'s)
 * @property {typeof fetch} [fetch] fetch function for the event stream and HTTP calls (tests inject a fake)
 * @property {typeof WebSocket} [WebSocket] WebSocket constructor (tests inject a fake)
 * @property {Partial<Timers>} [timers] timer functions (tests inject fake ones)
 * @property {() => number} [random] random source in [0, 1) used for jitter
 */

/**
 * @typedef {object} StateChange
 * @property {HeraldState} state
 * @property {HeraldState} previous
 * @property {boolean} [reconnected] on `open`: the link had been open before
 * @property {number} [attempt] on `reconnecting`: which retry comes next (1-based)
 * @property {number} [delay] on `reconnecting`: milliseconds until that retry
 * @property {string} [reason] why the link went down or the client stopped
 * @property {number} [code] the WebSocket close code, when there was one
 * @property {'websocket' | 'sse'} transport the link this change is about
 */

/**
 * @typedef {object} SubscribeInfo
 * @property {string} channel
 * @property {number} offset the channel's offset reported by the server
 * @property {boolean} resumed the subscription asked to resume from a previous offset
 * @property {boolean} recovered false when messages were missed and could not be replayed:
 *   the caller should refetch whatever state it derives from the channel
 */

/**
 * @typedef {object} SubscribeOptions
 * @property {(info: SubscribeInfo) => void} [onSubscribed] after every (re)subscription
 * @property {(error: HeraldError) => void} [onError] when the server refuses the subscription, or
 *   leaves the channel later (`unsubscribed`, e.g. after a refresh to a token without it)
 */

const DEFAULTS = Object.freeze({
  url: '/ws',
  reconnect: { baseMs: 1000, maxMs: 30000, maxAttempts: Infinity, jitter: 0.5, restartMaxMs: 5000 },
  heartbeat: { intervalMs: 25000, timeoutMs: 10000 },
  requestTimeoutMs: 10000,
  autoAck: true,
  ackDelayMs: 50,
  ackBatchSize: 100,
  refreshLeadMs: 60000,
  finalCloseCodes: [4001],
  transport: 'auto',
  fallbackAfter: 2,
});

const MAX_TIMER_MS = 2 ** 31 - 1;
const DEAD_LINK_CODE = 4000;
const NOTIFICATIONS_REMEMBERED = 1000;
const INBOX_PATH = '/admin/system/notifications';

/** An error reported by the server (`error` frame) or by the client itself (timeout, closed). */
export class HeraldError extends Error {
  /**
   * @param {string} code machine-readable code, e.g. `timeout`, `not_open`, `token_expired`
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = 'HeraldError';
    this.code = code;
  }
}

/**
 * The wait before reconnect attempt number `attempt` (0-based).
 * @param {number} attempt
 * @param {Required<ReconnectOptions>} policy
 * @param {() => number} [random]
 * @returns {number} milliseconds, within `[d * (1 - jitter), d]`, `d = min(maxMs, baseMs * 2^attempt)`
 */
export function backoffDelay(attempt, policy, random = Math.random) {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.round(ceiling * (1 - policy.jitter * random()));
}

/**
 * The claims of a JWT (its payload, not verified), or null when it is not a JWT.
 * @param {string | null | undefined} token
 * @returns {Record<string, any> | null}
 */
export function jwtClaims(token) {
  const payload = typeof token === 'string' ? token.split('.')[1] : undefined;
  if (!payload) return null;
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    return claims && typeof claims === 'object' ? claims : null;
  } catch {
    return null;
  }
}

/**
 * The expiry of a JWT in epoch milliseconds, or null when it has none or is not a JWT.
 * @param {string | null | undefined} token
 * @returns {number | null}
 */
export function tokenExpiry(token) {
  const exp = jwtClaims(token)?.exp;
  return typeof exp === 'number' ? exp * 1000 : null;
}

export class Herald {
  /** @type {HeraldOptions & typeof DEFAULTS} */ #options;
  /** @type {Timers} */ #timers;
  /** @type {() => number} */ #random;
  /** @type {HeraldState} */ #state = 'closed';
  /** @type {WebSocket | StreamLink | null} the WebSocket, or the event stream's link */ #socket = null;
  /** @type {'websocket' | 'sse'} */ #transport = 'websocket';
  #wsFailures = 0;
  #wsEverOpened = false;
  /** The event stream's last `id:` (every channel's position), sent back as `Last-Event-ID`. */
  #lastEventId = null;
  /** @type {StreamLink | null} a stream opening to replace the current one (new channels or token) */
  #nextLink = null;
  #swapTimer = null;
  /** Notification ids delivered lately: an event stream's replacement pushes the unacked ones again. */
  /** @type {Set<number>} */ #recentNotifications = new Set();
  /** @type {Map<string, Set<Function>>} */ #listeners = new Map();
  /** @type {Map<string, {resolve: Function, reject: Function, timer: any}>} */ #pending = new Map();
  /** @type {Map<string, {offset: number | null, epoch: string | null, handlers: Set<object>}>} */ #channels = new Map();
  /** @type {Set<number>} */ #ackIds = new Set();
  #token = null;
  #tokenStale = false;
  #wanted = false;
  #hasBeenOpen = false;
  #attempt = 0;
  /** The last link was closed by a restarting server (1012): retries use `restartMaxMs`. */
  #restarting = false;
  #generation = 0;
  #nextId = 1;
  #lastNotificationId = 0;
  /** True from an open until the server's push on open ends (its `unread_count`). */
  #pushOnOpen = false;
  /** @type {Set<{resolve: Function, reject: Function}>} sync() calls waiting for that end */
  #afterPushOnOpen = new Set();
  #reconnectTimer = null;
  #heartbeatTimer = null;
  #deadlineTimer = null;
  #ackTimer = null;
  #refreshTimer = null;

  /** @param {HeraldOptions} [options] */
  constructor(options = {}) {
    this.#options = {
      ...DEFAULTS,
      ...options,
      reconnect: { ...DEFAULTS.reconnect, ...options.reconnect },
      heartbeat: { ...DEFAULTS.heartbeat, ...options.heartbeat },
    };
    this.#timers = {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (handle) => globalThis.clearTimeout(handle),
      now: () => Date.now(),
      ...options.timers,
    };
    this.#random = options.random ?? Math.random;
    this.#transport = this.#options.transport === 'sse' ? 'sse' : 'websocket';
    this.#token = options.token ?? null;
    if (!this.#token && !options.tokenProvider) {
      throw new TypeError('Herald needs a token or a tokenProvider');
    }
  }

  /** @returns {HeraldState} */
  get state() {
    return this.#state;
  }

  /** The link in use: `websocket`, or `sse` (the event stream plus HTTP) after a fallback. */
  get transport() {
    return this.#transport;
  }

  /** Opens the link (and keeps it open) until `close()`. Calling it again restarts a client that gave up. */
  connect() {
    if (this.#wanted && this.#state !== 'closed') return this;
    this.#wanted = true;
    this.#attempt = 0;
    this.#dial();
    return this;
  }

  /** Closes the link for good: no reconnect; pending requests are rejected. */
  close() {
    this.#wanted = false;
    this.#generation += 1;
    this.#timers.clearTimeout(this.#reconnectTimer);
    this.#dropNextLink();
    const socket = this.#socket;
    this.#teardown('closed by client');
    if (socket) safeClose(socket, 1000, 'client closed');
    this.#setState('closed', { reason: 'client' });
  }

  /**
   * Listens to frames of one type (`notification`, `unread_count`, `data_update`, `chat`, `error`,
   * …) or to `state` changes. The listener gets `(data, frame)`; for `state`, a {@link StateChange}.
   * Replies to `request()` go to the request's promise, not to listeners; channel publications go
   * to `subscribe()` handlers.
   * @param {string} type
   * @param {(data: any, frame?: object) => void} listener
   * @returns {() => void} removes the listener
   */
  on(type, listener) {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * Sends a frame without waiting for a reply.
   * @param {string} type
   * @param {object} [data]
   * @returns {boolean} false when the link is not open
   */
  send(type, data = {}) {
    return this.#write({ type, data });
  }

  /**
   * Sends a frame with a fresh `id` and resolves with the `data` of the reply carrying that `id`.
   * Rejects with a {@link HeraldError}: the server's code for an `error` reply, `timeout` when no
   * reply came in time, `not_open` when the link is down, `closed` when it dropped while waiting.
   * @param {string} type
   * @param {object} [data]
   * @param {{timeoutMs?: number}} [options]
   * @returns {Promise<any>}
   */
  request(type, data = {}, { timeoutMs = this.#options.requestTimeoutMs } = {}) {
    if (this.#state !== 'open') {
      return Promise.reject(new HeraldError('not_open', `cannot send ${type}: the link is ${this.#state}`));
    }
    if (this.#transport === 'sse') return this.#overHttp(type, data, timeoutMs);
    const id = `c${this.#nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = this.#timers.setTimeout(() => {
        this.#pending.delete(id);
        reject(new HeraldError('timeout', `${type} got no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#write({ type, data, id });
    });
  }

  /**
   * Joins a channel while at least one handler is subscribed; after a reconnect the channel is
   * joined again with `since` = the last offset seen, so missed publications are replayed.
   * Publications already seen (offset not above the last one) are not delivered twice.
   * @param {string} channel
   * @param {(data: any, frame: object) => void} onMessage gets each publication's data and frame
   * @param {SubscribeOptions} [options]
   * @returns {() => void} unsubscribes this handler (and leaves the channel after the last one)
   */
  subscribe(channel, onMessage, options = {}) {
    let entry = this.#channels.get(channel);
    const isNew = !entry;
    if (isNew) this.#channels.set(channel, (entry = { offset: null, epoch: null, handlers: new Set() }));
    const handler = { onMessage, ...options };
    entry.handlers.add(handler);
    if (isNew && this.#state === 'open') {
      if (this.#transport === 'sse') this.#replaceStream();
      else this.#join(channel, entry);
    }
    return () => {
      if (!entry.handlers.delete(handler) || entry.handlers.size > 0) return;
      if (this.#channels.get(channel) !== entry) return;
      this.#channels.delete(channel);
      if (this.#state !== 'open') return;
      if (this.#transport === 'sse') this.#replaceStream();
      else this.request('unsubscribe', { channel }).catch(ignore);
    };
  }

  // ---- connection lifecycle ----

  async #dial() {
    const generation = ++this.#generation;
    this.#setState('connecting');
    let token;
    try {
      token = await this.#currentToken();
    } catch (error) {
      if (generation === this.#generation) this.#retry('token provider failed: ' + (error?.message ?? error));
      return;
    }
    if (generation !== this.#generation) return; // closed or restarted meanwhile
    if (this.#transport === 'sse') {
      this.#socket = this.#openStream(token, false);
      return;
    }
    const socket = new (this.#options.WebSocket ?? globalThis.WebSocket)(this.#socketUrl(token));
    this.#socket = socket;
    let opened = false;
    socket.onopen = () => {
      if (socket !== this.#socket) return;
      opened = true;
      this.#wsEverOpened = true;
      this.#wsFailures = 0;
      this.#onOpen();
    };
    socket.onmessage = (event) => {
      if (socket === this.#socket) this.#onFrame(event.data);
    };
    socket.onclose = (event) => {
      if (socket === this.#socket) this.#onDrop(event.code, event.reason, opened);
    };
    socket.onerror = ignore; // a close event always follows
  }

  async #currentToken() {
    const provider = this.#options.tokenProvider;
    if (provider && (!this.#token || this.#tokenStale)) {
      this.#token = await provider();
      this.#tokenStale = false;
    }
    return this.#token;
  }

  #socketUrl(token) {
    const base = globalThis.location?.href;
    const url = base ? new URL(this.#options.url, base) : new URL(this.#options.url);
    if (url.protocol === 'http:') url.protocol = 'ws:';
    if (url.protocol === 'https:') url.protocol = 'wss:';
    url.searchParams.set('token', token);
    return url.toString();
  }

  #onOpen() {
    const reconnected = this.#hasBeenOpen;
    this.#hasBeenOpen = true;
    this.#attempt = 0;
    this.#restarting = false;
    this.#pushOnOpen = true;
    this.#setState('open', { reconnected });
    this.#scheduleTokenRefresh();
    if (this.#transport === 'sse') {
      // The stream joined the channels itself (`channels=` of its URL); its acks arrive as events.
      this.#streamAlive();
      return;
    }
    this.#armHeartbeat();
    for (const [channel, entry] of this.#channels) this.#join(channel, entry);
    // No sync here: on every open the server itself pushes the undelivered notifications, then
    // the unread count. Asking as well would bring each of them twice.
  }

  #onDrop(code, reason, opened) {
    this.#teardown(reason || 'connection closed');
    // A socket that never opened was refused (e.g. HTTP 401) or unreachable: get a fresh token.
    if (!opened) this.#tokenStale = true;
    if (!this.#wanted) return;
    if (opened) this.#restarting = code === 1012;
    if (opened && this.#options.finalCloseCodes.includes(code)) {
      this.#wanted = false;
      this.#setState('closed', { code, reason: reason || 'closed by server' });
      return;
    }
    if (!opened && this.#transport === 'websocket') this.#wsFailures += 1;
    if (this.#shouldFallBack()) {
      // The WebSocket never got through (e.g. a proxy refuses the upgrade): the event stream now.
      this.#transport = 'sse';
      this.#attempt = 0;
      this.#setState('reconnecting', { attempt: 1, delay: 0, reason: 'falling back to the event stream', code });
      this.#reconnectTimer = this.#timers.setTimeout(() => this.#dial(), 0);
      return;
    }
    this.#retry(reason || (opened ? 'connection lost' : 'connection refused'), code);
  }

  #shouldFallBack() {
    return this.#options.transport === 'auto' && this.#transport === 'websocket' && !this.#wsEverOpened
      && this.#wsFailures >= this.#options.fallbackAfter;
  }

  #retry(reason, code) {
    const policy = this.#options.reconnect;
    if (this.#attempt >= policy.maxAttempts) {
      this.#wanted = false;
      this.#setState('closed', { reason: 'gave up after ' + this.#attempt + ' attempts', code });
      return;
    }
    const capped = this.#restarting ? { ...policy, maxMs: Math.min(policy.maxMs, policy.restartMaxMs) } : policy;
    const delay = backoffDelay(this.#attempt, capped, this.#random);
    this.#attempt += 1;
    this.#setState('reconnecting', { attempt: this.#attempt, delay, reason, code });
    this.#reconnectTimer = this.#timers.setTimeout(() => this.#dial(), delay);
  }

  /** Drops everything tied to the current socket. */
  #teardown(reason) {
    const link = this.#socket;
    this.#socket = null;
    // an event stream that is still open must go now, or it keeps its place under the per-user limit
    if (link && this.#transport === 'sse') safeClose(link);
    this.#dropNextLink();
    for (const timer of [this.#heartbeatTimer, this.#deadlineTimer, this.#ackTimer, this.#refreshTimer]) {
      this.#timers.clearTimeout(timer);
    }
    this.#heartbeatTimer = this.#deadlineTimer = this.#ackTimer = this.#refreshTimer = null;
    this.#ackIds.clear(); // unacked notifications are pushed again on the next open
    for (const { reject, timer } of this.#pending.values()) {
      this.#timers.clearTimeout(timer);
      reject(new HeraldError('closed', reason));
    }
    this.#pending.clear();
    this.#pushOnOpen = false;
    for (const { reject } of this.#afterPushOnOpen) reject(new HeraldError('closed', reason));
    this.#afterPushOnOpen.clear();
  }

  #setState(state, details = {}) {
    const previous = this.#state;
    if (previous === state && state !== 'reconnecting') return;
    this.#state = state;
    this.#emit('state', { state, previous, transport: this.#transport, ...details });
  }

  // ---- heartbeat ----

  #armHeartbeat() {
    this.#heartbeatTimer = this.#timers.setTimeout(() => this.#beat(), this.#options.heartbeat.intervalMs);
  }

  #beat() {
    this.#write({ type: 'ping', data: {} });
    if (this.#deadlineTimer === null) {
      this.#deadlineTimer = this.#timers.setTimeout(() => this.#onDeadLink(), this.#options.heartbeat.timeoutMs);
    }
    this.#armHeartbeat();
  }

  #onDeadLink() {
    const socket = this.#socket;
    // Do not wait for the closing handshake of a link that no longer answers.
    this.#onDrop(DEAD_LINK_CODE, 'heartbeat timeout', true);
    if (socket) safeClose(socket, DEAD_LINK_CODE, 'heartbeat timeout');
  }

  // ---- inbound frames ----

  #onFrame(raw) {
    if (this.#transport === 'websocket') {
      // any frame answers the ping (the event stream's deadline runs on its bytes instead)
      this.#timers.clearTimeout(this.#deadlineTimer);
      this.#deadlineTimer = null;
    }
    let frame;
    try {
      frame = JSON.parse(raw);
    } catch {
      return; // the gateway only sends JSON; anything else is not ours to interpret
    }
    if (!frame || typeof frame.type !== 'string') return;
    const data = frame.data ?? {};
    if (frame.id != null && this.#settle(String(frame.id), frame.type, data)) return;
    if (frame.type === 'ack' && data.type === 'subscribe' && this.#transport === 'sse') {
      this.#streamJoined(data);
      return;
    }
    if (frame.channel != null) {
      this.#deliverToChannel(frame, data);
      return;
    }
    if (frame.type === 'unsubscribed') this.#onUnsubscribed(data);
    if (frame.type === 'notification' && !this.#noteNotification(data)) return;
    if (frame.type === 'unread_count') this.#pushOnOpenEnded();
    if (frame.type === 'error' && data.code === 'token_expired') this.#tokenStale = true;
    this.#emit(frame.type, data, frame);
  }

  #settle(id, type, data) {
    const waiting = this.#pending.get(id);
    if (!waiting) return false;
    this.#pending.delete(id);
    this.#timers.clearTimeout(waiting.timer);
    if (type === 'error') waiting.reject(new HeraldError(data.code ?? 'error', data.message ?? 'request failed'));
    else waiting.resolve(data);
    return true;
  }

  #deliverToChannel(frame, data) {
    const entry = this.#channels.get(frame.channel);
    if (!entry) return;
    if (typeof frame.offset === 'number') {
      if (entry.offset !== null && frame.offset <= entry.offset) return; // already seen
      entry.offset = frame.offset;
    }
    for (const handler of [...entry.handlers]) call(handler.onMessage, data, frame);
  }

  // ---- channels ----

  #join(channel, entry) {
    const resumed = entry.offset !== null;
    const data = { channel };
    if (resumed) data.since = entry.offset;
    if (resumed && entry.epoch !== null) data.epoch = entry.epoch; // the history generation the offset belongs to
    this.request('subscribe', data).then(
      (reply) => this.#joined(channel, entry, resumed, reply),
      (error) => {
        if (error.code === 'closed' || this.#channels.get(channel) !== entry) return;
        for (const handler of [...entry.handlers]) if (handler.onError) call(handler.onError, error);
      },
    );
  }

  /** The server's answer to a join: the channel's offset and epoch, and whether history was replayed. */
  #joined(channel, entry, resumed, reply) {
    if (this.#channels.get(channel) !== entry) return;
    const recovered = !resumed || reply.recovered !== false;
    if (typeof reply.offset === 'number') {
      // Without recovery the server's offset wins (its history may even have restarted).
      entry.offset = recovered ? Math.max(entry.offset ?? reply.offset, reply.offset) : reply.offset;
    }
    if (typeof reply.epoch === 'string') entry.epoch = reply.epoch;
    const info = { channel, offset: reply.offset, resumed, recovered };
    for (const handler of [...entry.handlers]) if (handler.onSubscribed) call(handler.onSubscribed, info);
  }

  /** A subscribe ack on the event stream (the stream joins its URL's channels itself). */
  #streamJoined(reply) {
    const entry = this.#channels.get(reply.channel);
    if (!entry) return;
    this.#joined(reply.channel, entry, entry.resuming === true, reply);
  }

  /**
   * The server left a channel for us (a `refresh` to a token that no longer allows it): the
   * channel is forgotten (no rejoin after a reconnect) and each of its handlers' `onError` gets a
   * HeraldError with the server's code (`forbidden`). The frame also reaches `on('unsubscribed')`.
   */
  #onUnsubscribed(data) {
    const entry = this.#channels.get(data.channel);
    if (!entry) return;
    this.#channels.delete(data.channel);
    const error = new HeraldError(data.code ?? 'unsubscribed', data.message ?? `left ${data.channel}`);
    for (const handler of [...entry.handlers]) if (handler.onError) call(handler.onError, error);
  }

  // ---- inbox sync and acks ----

  /**
   * Asks for the undelivered notifications newer than the last one seen, page after page until a
   * page brings none; they arrive as `notification` events and the unread count of the last reply
   * as an `unread_count` event. Not needed after a (re)connect: the server pushes the backlog on
   * every open by itself; called while that push runs (e.g. right on `open`), it waits for the
   * push to end (its `unread_count`) and then asks from the last id the push brought, so nothing
   * arrives twice. Should the server still be pushing (a push or a sync of another caller), it
   * answers at once with `{synced: 0, in_progress: true}` and no count: the running push brings
   * the same notifications, then the count. Resolves with the last reply's data.
   * @returns {Promise<{synced: number, count?: number, in_progress?: boolean}>}
   */
  async sync() {
    if (this.#transport === 'sse') {
      // The stream pushes the undelivered notifications on every (re)connect and they stay
      // undelivered until acked: nothing to fetch again, only the count to refresh.
      if (this.#state !== 'open') throw new HeraldError('not_open', `cannot sync: the link is ${this.#state}`);
      const reply = await this.#http('GET', INBOX_PATH + '/unread-count', null, this.#options.requestTimeoutMs);
      this.#emit('unread_count', { count: reply.count }, null);
      return { synced: 0, count: reply.count };
    }
    if (this.#pushOnOpen && this.#state === 'open') {
      // The server is still pushing the backlog it sends on every open (its unread_count ends
      // it). Asking now would bring again what that push brings and the client has not acked yet,
      // so ask after it, from the last id it brought.
      // When that end does not come (the server could not read the inbox) it asks anyway after
      // requestTimeoutMs; a push still running then answers in_progress, never a second copy.
      await new Promise((resolve, reject) => {
        const waiter = {
          resolve: () => { this.#timers.clearTimeout(timer); resolve(); },
          reject: (error) => { this.#timers.clearTimeout(timer); reject(error); },
        };
        const timer = this.#timers.setTimeout(() => {
          this.#afterPushOnOpen.delete(waiter);
          resolve();
        }, this.#options.requestTimeoutMs);
        this.#afterPushOnOpen.add(waiter);
      });
    }
    for (;;) {
      const since = this.#lastNotificationId;
      const reply = await this.request('sync', since ? { since_id: since } : {});
      if (typeof reply.count === 'number') this.#emit('unread_count', { count: reply.count }, null);
      if (!(reply.synced > 0 && this.#lastNotificationId > since)) return reply;
    }
  }

  #pushOnOpenEnded() {
    this.#pushOnOpen = false;
    for (const { resolve } of this.#afterPushOnOpen) resolve();
    this.#afterPushOnOpen.clear();
  }

  /** Notes a notification for the ack; false when the event stream brought it already (do not deliver it again). */
  #noteNotification(data) {
    const id = Number(data.id);
    if (!Number.isFinite(id)) return true;
    if (this.#transport === 'sse') {
      if (this.#recentNotifications.has(id)) return false;
      this.#recentNotifications.add(id);
      if (this.#recentNotifications.size > NOTIFICATIONS_REMEMBERED) {
        this.#recentNotifications.delete(this.#recentNotifications.values().next().value);
      }
    }
    this.#lastNotificationId = Math.max(this.#lastNotificationId, id);
    if (!this.#options.autoAck) return true;
    this.#ackIds.add(id);
    if (this.#ackIds.size >= this.#options.ackBatchSize) this.#flushAcks();
    else if (this.#ackTimer === null) {
      this.#ackTimer = this.#timers.setTimeout(() => this.#flushAcks(), this.#options.ackDelayMs);
    }
    return true;
  }

  #flushAcks() {
    this.#timers.clearTimeout(this.#ackTimer);
    this.#ackTimer = null;
    if (this.#ackIds.size === 0) return;
    const ids = [...this.#ackIds];
    this.#ackIds.clear();
    this.request('ack', { notification_ids: ids }).catch(ignore);
  }

  // ---- token refresh ----

  #scheduleTokenRefresh() {
    const expiry = tokenExpiry(this.#token);
    if (!this.#options.tokenProvider || expiry === null) return;
    const left = expiry - this.#timers.now();
    // Refresh refreshLeadMs before expiry, or half-way for tokens that live shorter than twice that.
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, left - Math.min(this.#options.refreshLeadMs, left / 2)));
    this.#refreshTimer = this.#timers.setTimeout(() => this.#refreshToken(), wait);
  }

  async #refreshToken() {
    this.#refreshTimer = null;
    try {
      const token = await this.#options.tokenProvider();
      if (this.#state !== 'open') return;
      this.#token = token;
      if (this.#transport === 'sse') {
        this.#replaceStream(); // a stream cannot be told a new token: a new stream carries it
        return;
      }
      await this.request('refresh', { token });
      this.#scheduleTokenRefresh();
    } catch {
      this.#tokenStale = true; // the server will say token_expired; the reconnect fetches a new one
    }
  }

  // ---- plumbing ----

  #write(frame) {
    const socket = this.#socket;
    if (!socket || this.#state !== 'open') return false;
    if (this.#transport === 'sse') {
      this.#overHttp(frame.type, frame.data ?? {}, this.#options.requestTimeoutMs).catch(ignore);
      return true;
    }
    socket.send(JSON.stringify(frame));
    return true;
  }

  // ---- the event stream (/sse) and HTTP, after a fallback ----

  /**
   * Opens `GET /sse` with the current channels and `Last-Event-ID`, read with fetch (an
   * EventSource would hide the comment heartbeats and every event type nobody listens for). A
   * `replacing` stream (new channels or token) runs next to the current one until its `init`
   * arrives, then takes over; duplicates meanwhile are dropped (channel offsets, notification ids).
   */
  #openStream(token, replacing) {
    const controller = new AbortController();
    /** @type {StreamLink} */
    const link = { controller, closeCode: undefined, closeReason: undefined, close: () => controller.abort() };
    const headers = { Accept: 'text/event-stream' };
    if (this.#lastEventId) headers['Last-Event-ID'] = this.#lastEventId;
    for (const entry of this.#channels.values()) entry.resuming = entry.offset !== null;
    const fetcher = this.#options.fetch ?? globalThis.fetch;
    const current = () => link === this.#socket || link === this.#nextLink;
    (async () => {
      let opened = false;
      try {
        const response = await fetcher(this.#streamUrl(token), { headers, signal: controller.signal, cache: 'no-store' });
        if (!current()) return controller.abort();
        if (!response.ok || !response.body) {
          const reason = `event stream refused (HTTP ${response.status})`;
          // A refused replacement (e.g. 429 at the per-user limit, which the old stream counts
          // toward) becomes a reconnect: the old stream goes, and the retry carries the new channels.
          if (link === this.#nextLink) return this.#replacementFailed(reason, response.status);
          return this.#onDrop(1006, reason, false);
        }
        opened = true;
        if (!replacing) this.#onOpen();
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        const parse = eventStreamParser((event) => this.#onStreamEvent(link, event));
        for (;;) {
          const { value, done } = await reader.read();
          if (done || !current()) break;
          if (link === this.#socket) this.#streamAlive();
          parse(decoder.decode(value, { stream: true }));
        }
      } catch {
        // aborted, or the connection broke: handled below
      }
      if (link === this.#nextLink) {
        this.#replacementFailed(opened ? 'replacement stream ended' : 'replacement stream unreachable', 0);
      } else if (link === this.#socket) {
        this.#onDrop(link.closeCode ?? 1006, link.closeReason ?? (opened ? 'event stream ended' : 'event stream unreachable'), opened);
      }
      controller.abort();
    })();
    return link;
  }

  #onStreamEvent(link, event) {
    if (link === this.#nextLink && event.type === 'init') {
      // the replacement hears every push from here on: it takes over, the old stream goes
      const old = this.#socket;
      this.#socket = link;
      this.#nextLink = null;
      if (old) safeClose(old);
      this.#streamAlive();
    }
    if (event.id !== undefined) this.#lastEventId = event.id || null;
    if (event.type === 'close') {
      try {
        const frame = JSON.parse(event.data);
        link.closeCode = frame.data?.code;
        link.closeReason = frame.data?.reason;
      } catch {
        // not ours to interpret
      }
      return;
    }
    if (event.data !== undefined) this.#onFrame(event.data);
  }

  #streamUrl(token) {
    const url = this.#endpoint(this.#options.sseUrl, true);
    url.searchParams.set('token', token);
    if (this.#channels.size > 0) url.searchParams.set('channels', [...this.#channels.keys()].join(','));
    return url.toString();
  }

  /** The event stream's URL (`sse`), else the HTTP API's origin; both default to `url`'s host. */
  #endpoint(explicit, sse) {
    const base = globalThis.location?.href;
    const resolve = (u) => (base ? new URL(u, base) : new URL(u));
    if (explicit) return resolve(explicit);
    const url = resolve(this.#options.url);
    if (url.protocol === 'ws:') url.protocol = 'http:';
    if (url.protocol === 'wss:') url.protocol = 'https:';
    url.search = '';
    url.hash = '';
    url.pathname = sse ? url.pathname.replace(/ws$/, 'sse') : '/';
    return url;
  }

  /** Bytes (events or heartbeat comments) came in: the link lives. No bytes for a heartbeat interval plus the timeout: dead. */
  #streamAlive() {
    this.#timers.clearTimeout(this.#deadlineTimer);
    const { intervalMs, timeoutMs } = this.#options.heartbeat;
    this.#deadlineTimer = this.#timers.setTimeout(() => this.#onDeadLink(), intervalMs + timeoutMs);
  }

  /** Opens a stream with the current channels and token, next to the current one (batched: one per tick). */
  #replaceStream() {
    if (this.#swapTimer !== null) return;
    this.#swapTimer = this.#timers.setTimeout(() => {
      this.#swapTimer = null;
      if (this.#state !== 'open' || this.#transport !== 'sse') return;
      this.#dropNextLink();
      this.#flushAcks();
      this.#nextLink = this.#openStream(this.#token, true);
    }, 0);
  }

  #replacementFailed(reason, status) {
    this.#nextLink = null;
    if (this.#socket && this.#state === 'open') this.#onDrop(1006, reason, status !== 401);
  }

  #dropNextLink() {
    this.#timers.clearTimeout(this.#swapTimer);
    this.#swapTimer = null;
    const next = this.#nextLink;
    this.#nextLink = null;
    if (next) safeClose(next);
  }

  /** What a frame asks on the WebSocket, asked over HTTP; resolves with the data the frame's reply would carry. */
  #overHttp(type, data, timeoutMs) {
    switch (type) {
      case 'ack':
        return this.#http('POST', INBOX_PATH + '/ack', { ids: data.notification_ids ?? data.ids }, timeoutMs)
          .then((reply) => ({ type: 'ack', acknowledged: reply.acknowledged }));
      case 'read': {
        const call = data.all === true
          ? this.#http('POST', INBOX_PATH + '/read-all', {}, timeoutMs)
          : this.#http('POST', INBOX_PATH + '/batch-read', { ids: data.ids }, timeoutMs);
        return call.then((reply) => ({ type: 'read', updated: reply.updated }));
      }
      case 'ping':
      case 'heartbeat':
        return Promise.resolve({ type: 'pong' });
      default:
        return Promise.reject(new HeraldError('not_supported',
          `${type} needs the WebSocket; on the event stream use subscribe(), ack, read and sync()`));
    }
  }

  /** One HTTP API call with the current token; resolves with the envelope's `data`. */
  async #http(method, path, body, timeoutMs) {
    const fetcher = this.#options.fetch ?? globalThis.fetch;
    const url = new URL(path, this.#endpoint(this.#options.apiUrl, false));
    const headers = { Authorization: `Bearer ${this.#token}` };
    if (body) headers['Content-Type'] = 'application/json';
    const controller = new AbortController();
    const timer = this.#timers.setTimeout(() => controller.abort(), timeoutMs);
    let response;
    try {
      response = await fetcher(url.toString(), {
        method, headers, body: body ? JSON.stringify(body) : undefined, signal: controller.signal,
      });
    } catch (error) {
      throw new HeraldError(controller.signal.aborted ? 'timeout' : 'closed',
        `${method} ${path}: ${controller.signal.aborted ? 'no answer within ' + timeoutMs + ' ms' : error?.message ?? error}`);
    } finally {
      this.#timers.clearTimeout(timer);
    }
    let envelope = null;
    try {
      envelope = await response.json();
    } catch {
      // no JSON body
    }
    if (!response.ok) {
      if (response.status === 401) this.#tokenStale = true;
      throw new HeraldError(response.status === 401 ? 'unauthenticated' : `http_${response.status}`,
        envelope?.message ?? `${method} ${path} answered ${response.status}`);
    }
    return envelope?.data ?? {};
  }

  #emit(type, data, frame) {
    const set = this.#listeners.get(type);
    if (set) for (const listener of [...set]) call(listener, data, frame);
  }
}

function call(fn, ...args) {
  try {
    fn(...args);
  } catch (error) {
    // One faulty listener must not starve the others; surface the error asynchronously.
    globalThis.setTimeout(() => {
      throw error;
    }, 0);
  }
}

/**
 * @typedef {object} StreamLink an open (or opening) event stream
 * @property {AbortController} controller
 * @property {number | undefined} closeCode the code of the server's `close` event
 * @property {string | undefined} closeReason
 * @property {() => void} close
 */

/**
 * A `text/event-stream` parser (WHATWG HTML, "Server-sent events"): feed it decoded text in any
 * pieces; it calls `onEvent({type, data, id})` for each event a blank line ends (`id` undefined when
 * the event had no `id:` line). Comment lines are skipped.
 * @param {(event: {type: string, data: string | undefined, id: string | undefined}) => void} onEvent
 * @returns {(text: string) => void}
 */
export function eventStreamParser(onEvent) {
  let buffer = '';
  let type = '';
  let data;
  let id;
  return (text) => {
    buffer += text;
    let end;
    while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
      if (buffer[end] === '\r' && end === buffer.length - 1) break; // a CR may be half of a CRLF
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
      if (line === '') {
        if (data !== undefined || id !== undefined) onEvent({ type: type || 'message', data, id });
        type = '';
        data = undefined;
        id = undefined;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') type = value;
      else if (field === 'data') data = data === undefined ? value : data + '\n' + value;
      else if (field === 'id' && !value.includes('\0')) id = value;
    }
  };
}

function safeClose(socket, code, reason) {
  try {
    socket.close(code, reason);
  } catch {
    // already closing
  }
}

function ignore() {}
