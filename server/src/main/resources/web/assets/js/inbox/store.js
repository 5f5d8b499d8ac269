// The signed-in user's inbox as the page sees it: the unread count and the latest notifications.
//
// Events (CustomEvent, `detail` as noted):
//   unread   {count}          the unread count changed
//   latest   —                the latest list (or a notification in it) changed
//   changed  —                notifications were read, deleted or received: other views reload

export class InboxStore extends EventTarget {
  #api;
  #pageSize;
  #pagesLoaded = 0;
  unread = 0;
  /** @type {Array<object>} newest first */
  latest = [];
  latestTotal = 0;

  /**
   * @param {ReturnType<typeof import('../api.js').inboxApi>} api
   * @param {{pageSize?: number}} [options]
   */
  constructor(api, { pageSize = 10 } = {}) {
    super();
    this.#api = api;
    this.#pageSize = pageSize;
  }

  get hasMoreLatest() {
    return this.latest.length < this.latestTotal;
  }

  setUnread(count) {
    if (count === this.unread) return;
    this.unread = count;
    this.#emit('unread', { count });
  }

  async refreshUnread() {
    this.setUnread((await this.#api.unreadCount()).count);
  }

  /** Reloads the latest notifications, keeping as many pages as were loaded. */
  async loadLatest() {
    const pages = Math.max(1, this.#pagesLoaded);
    const page = await this.#api.list({ page: 1, page_size: this.#pageSize * pages });
    this.latest = page.list;
    this.latestTotal = page.total;
    this.#pagesLoaded = pages;
    this.#emit('latest');
  }

  async loadMoreLatest() {
    const next = this.#pagesLoaded + 1;
    const page = await this.#api.list({ page: next, page_size: this.#pageSize });
    const known = new Set(this.latest.map((n) => n.id));
    this.latest = [...this.latest, ...page.list.filter((n) => !known.has(n.id))];
    this.latestTotal = page.total;
    this.#pagesLoaded = next;
    this.#emit('latest');
  }

  /** A notification pushed over the WebSocket (new, or pushed again after a reconnect). */
  receive(notification) {
    const index = this.latest.findIndex((n) => n.id === notification.id);
    if (index >= 0) {
      this.latest[index] = { ...this.latest[index], ...notification };
    } else {
      this.latest = [notification, ...this.latest];
      this.latestTotal += 1;
    }
    this.#emit('latest');
    this.#emit('changed');
    return index < 0;
  }

  async markRead(id) {
    await this.#api.read(id);
    this.#afterRead((n) => n.id === id);
  }

  async readMany(ids) {
    const wanted = new Set(ids);
    await this.#api.batchRead(ids);
    this.#afterRead((n) => wanted.has(n.id));
  }

  async readAll() {
    await this.#api.readAll();
    this.#afterRead(() => true);
  }

  async remove(id) {
    await this.#api.remove(id);
    this.#afterDelete((n) => n.id === id);
  }

  async removeMany(ids) {
    const doomed = new Set(ids);
    await this.#api.batchDelete(ids);
    this.#afterDelete((n) => doomed.has(n.id));
  }

  async clearRead() {
    await this.#api.clearRead();
    this.#afterDelete((n) => n.is_read);
  }

  async markUnread(id) {
    await this.#api.unread(id);
    this.latest = this.latest.map((n) => (n.id === id ? { ...n, is_read: false, read_at: null } : n));
    this.#afterChange();
  }

  /** Archived and snoozed notifications leave the latest list (the default view). */
  async archive(id) {
    await this.#api.archive(id);
    this.#afterDelete((n) => n.id === id);
  }

  async archiveMany(ids) {
    const gone = new Set(ids);
    await this.#api.batchArchive(ids);
    this.#afterDelete((n) => gone.has(n.id));
  }

  async unarchive(id) {
    await this.#api.unarchive(id);
    await this.loadLatest().catch(() => {});
    this.#afterChange();
  }

  async snooze(id, until) {
    await this.#api.snooze(id, until);
    this.#afterDelete((n) => n.id === id);
  }

  /**
   * Takes one of a notification's actions; the server answers the record, now read, with
   * `action_taken`. Returns that record.
   */
  async takeAction(id, actionId) {
    const record = await this.#api.takeAction(id, actionId);
    this.#replace(record);
    return record;
  }

  /** After a 409 (taken already, e.g. in another tab) the stored copy shows which one. */
  async refreshOne(id) {
    this.#replace(await this.#api.get(id));
  }

  #replace(record) {
    this.latest = this.latest.map((n) => (n.id === record.id ? { ...n, ...record } : n));
    this.#afterChange();
  }

  #afterRead(matches) {
    const now = new Date().toISOString();
    this.latest = this.latest.map((n) => (matches(n) && !n.is_read ? { ...n, is_read: true, read_at: now } : n));
    this.#afterChange();
  }

  #afterDelete(matches) {
    const before = this.latest.length;
    this.latest = this.latest.filter((n) => !matches(n));
    this.latestTotal = Math.max(0, this.latestTotal - (before - this.latest.length));
    this.#afterChange();
  }

  #afterChange() {
    this.#emit('latest');
    this.#emit('changed');
    // The server also pushes unread_count; asking keeps the badge right while the socket is down.
    this.refreshUnread().catch(() => {});
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
