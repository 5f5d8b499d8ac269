// Unit tests for the page modules that need no DOM: formatting, links, tabs, metrics, API, session, store.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { badgeText, unreadLabel, timeAgo } from '../../main/resources/web/assets/js/format.js';
import { chooseLanguage, supported, t, useCatalogue } from '../../main/resources/web/assets/js/i18n.js';
import { actionLink } from '../../main/resources/web/assets/js/links.js';
import { TABS, tabById } from '../../main/resources/web/assets/js/inbox/tabs.js';
import { parsePrometheus, total, headlineMetrics, connectionGauge } from '../../main/resources/web/assets/js/admin/prometheus.js';
import { ApiClient, ApiError, inboxApi, queryString } from '../../main/resources/web/assets/js/api.js';
import { Session } from '../../main/resources/web/assets/js/session.js';
import { InboxStore } from '../../main/resources/web/assets/js/inbox/store.js';
import { snoozeChoices } from '../../main/resources/web/assets/js/inbox/controls.js';
import { fakeJwt } from './fakes.js';

const catalogue = (tag) => JSON.parse(readFileSync(new URL(`../../main/resources/web/assets/i18n/${tag}.json`, import.meta.url), 'utf8'));
const english = catalogue('en');
const chinese = catalogue('zh-CN');

describe('format', () => {
  test('badge text caps at 99+', () => {
    useCatalogue('en', english);
    assert.deepEqual([0, -1, 1, 99, 100, 5000].map(badgeText), ['', '', '1', '99', '99+', '99+']);
  });

  test('the bell name carries the count, in English and Chinese', () => {
    useCatalogue('en', english);
    assert.equal(unreadLabel(0), 'No unread notifications');
    assert.equal(unreadLabel(1), '1 unread notification');
    assert.equal(unreadLabel(3), '3 unread notifications');
    assert.equal(unreadLabel(1500), '1,500 unread notifications');
    useCatalogue('zh-CN', chinese, english);
    assert.equal(unreadLabel(0), '没有未读通知');
    assert.equal(unreadLabel(3), '3 条未读通知');
    useCatalogue('en', english);
  });

  test('time ago, through Intl.RelativeTimeFormat', () => {
    const now = Date.parse('2025-01-10T12:00:00Z');
    useCatalogue('en', english);
    assert.equal(timeAgo('2025-01-10T11:59:50Z', now), 'just now');
    assert.equal(timeAgo('2025-01-10T11:55:00Z', now), '5 min. ago');
    assert.equal(timeAgo('2025-01-10T09:00:00+00:00', now), '3 hr. ago');
    assert.equal(timeAgo('garbage', now), '');
    useCatalogue('zh-CN', chinese, english);
    assert.equal(timeAgo('2025-01-10T11:59:50Z', now), '刚刚');
    assert.equal(timeAgo('2025-01-10T11:57:00Z', now), '3分钟前');
    assert.equal(timeAgo('2025-01-10T09:00:00+00:00', now), '3小时前');
    useCatalogue('en', english);
  });

  test('plurals follow Intl.PluralRules; missing keys fall back to English', () => {
    useCatalogue('en', english);
    assert.equal(t('list.confirm_delete', { count: 1 }), 'Delete 1 notification?');
    assert.equal(t('list.confirm_delete', { count: 2 }), 'Delete 2 notifications?');
    useCatalogue('zh-CN', { 'tab.all': '全部' }, english);
    assert.equal(t('tab.all'), '全部');
    assert.equal(t('tab.task'), 'Tasks');
    useCatalogue('en', english);
  });

  test('the language: ?lang= first, then the stored choice, then the browser, else English', () => {
    assert.equal(chooseLanguage({ search: '?lang=zh-CN', stored: 'en', preferred: ['en-US'] }), 'zh-CN');
    assert.equal(chooseLanguage({ search: '', stored: 'zh-CN', preferred: ['en-US'] }), 'zh-CN');
    assert.equal(chooseLanguage({ preferred: ['fr-FR', 'zh-Hans-CN', 'en'] }), 'zh-CN');
    assert.equal(chooseLanguage({ preferred: ['en-GB', 'zh-CN'] }), 'en');
    assert.equal(chooseLanguage({ search: '?lang=xx', preferred: ['de'] }), 'en');
    assert.equal(supported('ZH-cn'), 'zh-CN');
  });
});

describe('actionLink', () => {
  const origin = 'https://app.example';
  const link = (action_data, action_type = 'link') => actionLink({ action_type, action_data }, origin);

  test('opens http(s) URLs and same-origin paths', () => {
    assert.deepEqual(link('/orders/7'), { href: 'https://app.example/orders/7', external: false });
    assert.deepEqual(link('https://docs.example/x'), { href: 'https://docs.example/x', external: true });
    assert.deepEqual(link({ url: '/system/maintenance' }), { href: 'https://app.example/system/maintenance', external: false });
    assert.deepEqual(link('{"url":"http://other.example"}'), { href: 'http://other.example/', external: true });
  });

  test('refuses other schemes and other action types', () => {
    for (const bad of ['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,<script>x</script>', 'vbscript:x', 'file:///etc/passwd', '{"url":"javascript:x"}', '', null, {}, { url: 5 }]) {
      assert.equal(link(bad), null, String(bad));
    }
    assert.equal(link('/x', 'none'), null);
    assert.equal(actionLink({ action_data: '/x' }, origin), null);
  });
});

describe('dropdown tabs', () => {
  const n = (type, category) => ({ type, category });
  const tabsOf = (item) => TABS.filter((t) => t.id !== 'all' && t.matches(item)).map((t) => t.id);

  test('every notification is in All and in exactly one other tab', () => {
    for (const type of ['info', 'success', 'warning', 'error', 'task', 'system']) {
      for (const category of ['system', 'task', 'message', 'reminder', 'announcement']) {
        assert.ok(tabById('all').matches(n(type, category)));
        assert.equal(tabsOf(n(type, category)).length, 1, `${type}/${category}`);
      }
    }
  });

  test('maps types and categories as documented', () => {
    assert.deepEqual(tabsOf(n('warning', 'task')), ['warning']);
    assert.deepEqual(tabsOf(n('error', 'system')), ['warning']);
    assert.deepEqual(tabsOf(n('task', 'message')), ['task']);
    assert.deepEqual(tabsOf(n('info', 'task')), ['task']);
    assert.deepEqual(tabsOf(n('success', 'announcement')), ['notification']);
    assert.deepEqual(tabsOf(n('system', 'system')), ['notification']);
    assert.equal(tabById('nope').id, 'all');
  });
});

describe('prometheus', () => {
  const text = [
    '# HELP herald_connections Open WebSocket connections',
    '# TYPE herald_connections gauge',
    'herald_connections{node="a"} 12',
    'herald_connections{node="b"} 3',
    'herald_frames_in_total{type="ping",note="a \\"quoted\\" value"} 1.5e3',
    'herald_latency_seconds_bucket{le="+Inf"} 9',
    'jvm_threads_live_threads 21 1700000000000',
    'process_cpu_usage NaN',
    'not a metric line {',
    '',
  ].join('\n');

  test('parses samples with labels, exponents and timestamps', () => {
    const metrics = parsePrometheus(text);
    assert.equal(total(metrics, 'herald_connections'), 15);
    assert.deepEqual(metrics.get('herald_frames_in_total'), [{ labels: { type: 'ping', note: 'a "quoted" value' }, value: 1500 }]);
    assert.equal(total(metrics, 'jvm_threads_live_threads'), 21);
    assert.equal(metrics.has('process_cpu_usage'), false, 'NaN samples are skipped');
    assert.equal(total(metrics, 'missing'), null);
  });

  test('picks the headline metrics and the connection gauge', () => {
    const metrics = parsePrometheus(text);
    assert.deepEqual(headlineMetrics(metrics).map((m) => m.name), ['herald_connections', 'herald_frames_in_total', 'jvm_threads_live_threads']);
    assert.deepEqual(connectionGauge(metrics), { name: 'herald_connections', value: 15 });
  });
});

describe('api', () => {
  function fakeFetch(status, body) {
    const calls = [];
    const fetch = async (url, init) => {
      calls.push({ url, ...init });
      return { ok: status < 300, status, statusText: 'x', json: async () => body };
    };
    return { fetch, calls };
  }

  test('query strings leave out empty values', () => {
    assert.equal(queryString({ keyword: 'a b', type: '', page: 2, is_read: false, x: null }), '?keyword=a+b&page=2&is_read=false');
    assert.equal(queryString({}), '');
  });

  test('sends the bearer and JSON body and returns the envelope data', async () => {
    const { fetch, calls } = fakeFetch(200, { code: 200, message: 'success', data: { count: 3 } });
    const api = inboxApi(new ApiClient({ credentials: () => 'jwt', fetch }));
    assert.deepEqual(await api.batchRead([1, 2]), { count: 3 });
    assert.equal(calls[0].url, '/admin/system/notifications/batch-read');
    assert.equal(calls[0].method, 'POST');
    assert.equal(calls[0].headers.Authorization, 'Bearer jwt');
    assert.equal(calls[0].body, '{"ids":[1,2]}');
    await api.list({ page: 1, page_size: 20, type: '' });
    assert.equal(calls[1].url, '/admin/system/notifications?page=1&page_size=20');
    await api.retryUnsent(50);
    assert.equal(calls[2].url, '/admin/system/notifications/retry-unsent?limit=50');
    await api.remove(9);
    assert.equal(calls[3].method, 'DELETE');
  });

  test('turns error envelopes into ApiError with field errors', async () => {
    const { fetch } = fakeFetch(422, { code: 422, message: 'invalid', data: { errors: { title: 'too long' } } });
    const api = inboxApi(new ApiClient({ credentials: () => null, fetch }));
    await assert.rejects(api.send({}), (e) => e instanceof ApiError && e.status === 422 && e.fieldErrors.title === 'too long');
    const unreachable = new ApiClient({ credentials: () => null, fetch: async () => { throw new TypeError('net'); } });
    await assert.rejects(unreachable.get('/x'), (e) => e.status === 0);
  });
});

describe('session', () => {
  function memoryStorage() {
    const map = new Map();
    return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => map.set(k, v), removeItem: (k) => map.delete(k) };
  }

  test('takes ?token= out of the address bar and keeps it', () => {
    const session = new Session('inbox', memoryStorage());
    const token = fakeJwt({ sub: '7', exp: 2_000_000_000 });
    const replaced = [];
    const history = { state: null, replaceState: (s, t, url) => replaced.push(url) };
    assert.equal(session.adoptTokenFromUrl({ href: `https://h.example/?token=${token}&tab=2#top` }, history), true);
    assert.deepEqual(replaced, ['/?tab=2#top']);
    assert.equal(session.token, token);
    assert.equal(session.userId, 7);
    assert.equal(session.isExpired(Date.now()), false);
    assert.equal(session.adoptTokenFromUrl({ href: 'https://h.example/admin' }, history), false);
  });

  test('scopes keep the inbox and console apart; expiry is read from the token', () => {
    const storage = memoryStorage();
    const inbox = new Session('inbox', storage);
    const admin = new Session('admin', storage);
    inbox.save({ token: fakeJwt({ sub: '1', exp: 100 }), demoUserId: 1 });
    assert.equal(admin.token, null);
    assert.equal(inbox.current.demoUserId, 1);
    assert.equal(inbox.isExpired(), true);
    inbox.clear();
    assert.equal(inbox.token, null);
  });
});

describe('inbox store', () => {
  function fakeInbox(pages) {
    const calls = [];
    return {
      calls,
      list: async (q) => (calls.push(['list', q]), pages(q)),
      unreadCount: async () => (calls.push(['unreadCount']), { count: 4 }),
      read: async (id) => calls.push(['read', id]),
      batchDelete: async (ids) => calls.push(['batchDelete', ids]),
      clearRead: async () => calls.push(['clearRead']),
    };
  }
  const items = (from, count) => Array.from({ length: count }, (_, i) => ({ id: from - i, is_read: false, type: 'info' }));

  test('loads pages of the latest notifications and keeps them on reload', async () => {
    const api = fakeInbox((q) => ({ list: q.page === 1 ? items(30, q.page_size) : items(20, 10), total: 25 }));
    const store = new InboxStore(api, { pageSize: 10 });
    await store.loadLatest();
    assert.equal(store.latest.length, 10);
    assert.equal(store.hasMoreLatest, true);
    await store.loadMoreLatest();
    assert.equal(store.latest.length, 20);
    await store.loadLatest();
    assert.deepEqual(api.calls.at(-1), ['list', { page: 1, page_size: 20 }]);
  });

  test('live notifications are prepended once; reads and deletes update the list and ask for the count', async () => {
    const api = fakeInbox(() => ({ list: items(3, 3), total: 3 }));
    const store = new InboxStore(api);
    const events = [];
    for (const type of ['latest', 'changed', 'unread']) store.addEventListener(type, () => events.push(type));
    await store.loadLatest();
    assert.equal(store.receive({ id: 4, is_read: false }), true);
    assert.equal(store.receive({ id: 4, is_read: false, title: 'again' }), false);
    assert.deepEqual(store.latest.map((n) => n.id), [4, 3, 2, 1]);
    assert.equal(store.latestTotal, 4);
    await store.markRead(3);
    assert.equal(store.latest.find((n) => n.id === 3).is_read, true);
    await store.removeMany([1, 2]);
    assert.deepEqual(store.latest.map((n) => n.id), [4, 3]);
    await store.clearRead();
    assert.deepEqual(store.latest.map((n) => n.id), [4]);
    await new Promise((r) => setTimeout(r));
    assert.equal(store.unread, 4);
    assert.ok(events.includes('changed') && events.includes('unread'));
    assert.deepEqual(api.calls.filter((c) => c[0] !== 'list' && c[0] !== 'unreadCount'), [['read', 3], ['batchDelete', [1, 2]], ['clearRead']]);
  });
});

describe('inbox 2.0', () => {
  test('snooze choices: an hour on, tomorrow 09:00 and the next Monday 09:00, in local time', () => {
    useCatalogue('en', english);
    const at = (date) => snoozeChoices(date).map((c) => [c.id, c.label, c.until.getTime()]);
    const wednesday = new Date(2026, 11, 9, 22, 30);
    assert.deepEqual(at(wednesday), [
      ['hour', '1 hour', new Date(2026, 11, 9, 23, 30).getTime()],
      ['tomorrow', 'Tomorrow 09:00', new Date(2026, 11, 10, 9, 0).getTime()],
      ['next_week', 'Next week (Monday 09:00)', new Date(2026, 11, 14, 9, 0).getTime()],
    ]);
    assert.equal(snoozeChoices(new Date(2026, 11, 14, 8, 0))[2].until.getTime(), new Date(2026, 11, 21, 9, 0).getTime(), 'on a Monday: the one after');
    assert.equal(snoozeChoices(new Date(2026, 11, 13, 20, 0))[2].until.getTime(), new Date(2026, 11, 14, 9, 0).getTime(), 'on a Sunday: tomorrow');
    assert.equal(snoozeChoices(new Date(2026, 11, 31, 12, 0))[1].until.getTime(), new Date(2027, 0, 1, 9, 0).getTime(), 'across the year');
  });

  test('collapsed counts read with plural rules', () => {
    useCatalogue('en', english);
    assert.equal(t('notification.group_similar', { count: 1 }), '1 similar notification');
    assert.equal(t('notification.group_similar', { count: 5 }), '5 similar notifications');
    useCatalogue('zh-CN', chinese, english);
    assert.equal(t('notification.group_similar', { count: 5 }), '5 条相似通知');
  });

  test('the store replaces a pushed notification it holds, and tracks actions, unread, archive and snooze', async () => {
    const calls = [];
    const api = {
      list: async () => ({ list: [{ id: 2, is_read: true, group_count: 1 }, { id: 1, is_read: false }], total: 2 }),
      unreadCount: async () => ({ count: 1 }),
      unread: async (id) => calls.push(['unread', id]),
      archive: async (id) => calls.push(['archive', id]),
      snooze: async (id, until) => calls.push(['snooze', id, until]),
      takeAction: async (id, action) => (calls.push(['action', id, action]), { id, is_read: true, action_taken: { id: action, at: 'now' } }),
    };
    const store = new InboxStore(api);
    await store.loadLatest();
    assert.equal(store.receive({ id: 2, is_read: false, group_count: 3 }), false);
    assert.deepEqual(store.latest.map((n) => [n.id, n.group_count]), [[2, 3], [1, undefined]]);
    assert.equal(store.latestTotal, 2);
    await store.takeAction(1, 'approve');
    assert.deepEqual(store.latest.find((n) => n.id === 1).action_taken, { id: 'approve', at: 'now' });
    await store.markUnread(1);
    assert.equal(store.latest.find((n) => n.id === 1).is_read, false);
    await store.archive(2);
    await store.snooze(1, '2026-12-10T09:00:00Z');
    assert.deepEqual(store.latest, []);
    assert.equal(store.latestTotal, 0);
    assert.deepEqual(calls, [['action', 1, 'approve'], ['unread', 1], ['archive', 2], ['snooze', 1, '2026-12-10T09:00:00Z']]);
  });
});
