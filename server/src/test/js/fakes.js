// Test doubles for herald.js: a WebSocket the test drives by hand and a clock the test advances.

/** A virtual clock: timers fire only when the test calls advance(). */
export class FakeClock {
  #now = 1_700_000_000_000;
  #nextHandle = 1;
  /** @type {Map<number, {at: number, fn: Function}>} */
  #timers = new Map();

  setTimeout = (fn, ms) => {
    const handle = this.#nextHandle++;
    this.#timers.set(handle, { at: this.#now + Math.max(0, ms), fn });
    return handle;
  };

  clearTimeout = (handle) => {
    this.#timers.delete(handle);
  };

  now = () => this.#now;

  /** Delays of the timers that are waiting, soonest first. */
  pendingDelays() {
    return [...this.#timers.values()].map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  /** Moves time forward, firing due timers in order (including timers they schedule). */
  async advance(ms) {
    const end = this.#now + ms;
    for (;;) {
      const next = [...this.#timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      const [handle, timer] = next;
      this.#timers.delete(handle);
      this.#now = timer.at;
      timer.fn();
      await settle();
    }
    this.#now = end;
    await settle();
  }
}

/** Lets pending promise callbacks (async token providers, request replies) run. */
export async function settle() {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** Builds a WebSocket class whose instances are recorded in `sockets`. */
export function fakeWebSocketClass() {
  const sockets = [];
  class FakeWebSocket {
    static OPEN = 1;
    readyState = 0;
    sent = [];
    closedWith = null;
    onopen = null;
    onmessage = null;
    onclose = null;
    onerror = null;

    constructor(url) {
      this.url = url;
      sockets.push(this);
    }

    send(text) {
      this.sent.push(JSON.parse(text));
    }

    close(code, reason) {
      this.closedWith = { code, reason };
    }

    // ---- driven by the test ----

    open() {
      this.readyState = 1;
      this.onopen?.({});
    }

    receive(frame) {
      this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
    }

    drop(code = 1006, reason = '') {
      this.readyState = 3;
      this.onclose?.({ code, reason });
    }

    /** Frames sent so far, optionally only those of one type. */
    frames(type) {
      return type ? this.sent.filter((f) => f.type === type) : this.sent;
    }

    /** The last frame sent of one type. */
    last(type) {
      return this.frames(type).at(-1);
    }
  }
  return { FakeWebSocket, sockets };
}

/** A JWT-shaped string with the given claims (the signature is not checked by the client). */
export function fakeJwt(claims) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.signature`;
}

/**
 * A fetch the test drives by hand: `GET …/sse` answers 200 with an event stream the test writes
 * to (`stream.send(text)`, `stream.end()`), or the status `refuseStreams` holds; any other call
 * answers with what `api(call)` returns ({status, body}), by default 200 and an empty `data`.
 * Every call is recorded in `calls`.
 */
export function fakeFetch(api = () => ({ status: 200, body: { code: 200, message: 'success', data: {} } })) {
  const calls = [];
  const streams = [];
  const state = { refuseStreams: 0 };
  const fetch = async (url, init = {}) => {
    const call = { url: String(url), method: init.method ?? 'GET', headers: init.headers ?? {}, body: init.body };
    calls.push(call);
    if (!call.url.includes('/sse')) {
      const { status, body } = api(call);
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    }
    if (state.refuseStreams) {
      return new Response(JSON.stringify({ code: state.refuseStreams, message: 'refused', data: null }), { status: state.refuseStreams });
    }
    let controller;
    const body = new ReadableStream({ start(c) { controller = c; } });
    const stream = {
      url: new URL(call.url),
      headers: call.headers,
      aborted: false,
      send(text) { controller.enqueue(new TextEncoder().encode(text)); },
      event(frame, id) {
        this.send(`${id !== undefined ? `id: ${id}\n` : ''}event: ${frame.type}\ndata: ${JSON.stringify(frame)}\n\n`);
      },
      end() { controller.close(); },
    };
    init.signal?.addEventListener('abort', () => {
      stream.aborted = true;
      try { controller.error(new Error('aborted')); } catch { /* closed already */ }
    });
    streams.push(stream);
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
  return { fetch, calls, streams, state };
}

/** Lets fetch bodies and the reads of a stream run (they take more turns than plain promises). */
export async function flush() {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}
