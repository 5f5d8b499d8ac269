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
