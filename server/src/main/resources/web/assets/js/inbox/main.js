// The inbox page (/): sign-in, then the bell, the list and the live link, wired together.

import { Herald } from '../../../herald.js';
import { ApiClient, ApiError, inboxApi } from '../api.js';
import { showConnection } from '../connection.js';
import { byId } from '../dom.js';
import { initI18n, mountLanguageSwitcher, t } from '../i18n.js';
import { Session, demoToken, demoUsers } from '../session.js';
import { showSignIn } from '../signin.js';
import { Toaster } from '../toast.js';
import { arrivalAnnouncer } from './arrivals.js';
import { mountBell } from './bell.js';
import { mountDetail } from './detail.js';
import { mountListPage } from './list-page.js';
import { InboxStore } from './store.js';

const RENEW_BEFORE_MS = 120_000;
const REFRESH_DEBOUNCE_MS = 150;

await initI18n();
mountLanguageSwitcher(/** @type {HTMLSelectElement} */ (byId('language')));
const session = new Session('inbox');
const toaster = new Toaster(byId('toasts'));
session.adoptTokenFromUrl();
const users = (await demoUsers()) ?? [];

if (!session.token) signIn();
else if (session.isExpired() && session.current.demoUserId == null) signIn(t('session.expired'));
else startInbox();

function signIn(message) {
  showSignIn({
    root: byId('sign-in'),
    heading: t('signin.inbox_heading'),
    tokenLabel: t('signin.inbox_token_label'),
    message,
    demoChoices: users.map((user) => ({
      label: user.name,
      description: t('signin.demo_user', { id: String(user.user_id) }),
      choose: async () => {
        session.save({ token: await demoToken(user.user_id), demoUserId: user.user_id });
        location.replace('/');
      },
    })),
    useToken: async (token) => {
      await inboxApi(new ApiClient({ credentials: () => token })).unreadCount().catch((error) => {
        throw error.status === 401 ? new Error(t('signin.token_refused')) : error;
      });
      session.save({ token });
      location.replace('/');
    },
  });
}

function startInbox() {
  const api = inboxApi(new ApiClient({ credentials: () => session.token }));
  const store = new InboxStore(api);
  let herald = null;

  let ended = false;
  const endSession = (message) => {
    if (ended) return;
    ended = true;
    herald?.close();
    session.clear();
    byId('session-bar').hidden = true;
    byId('inbox').hidden = true;
    signIn(message);
  };
  const onError = (error) => {
    if (error instanceof ApiError && error.status === 401) {
      endSession(session.isExpired() ? t('session.expired') : t('session.ended'));
    } else {
      toaster.error(error);
    }
  };

  const openDetail = mountDetail({ api, store, onError });
  mountBell({ store, openDetail, onError });
  const list = mountListPage({ api, store, openDetail, onError });
  const showAll = () => byId('main').focus();
  const announce = arrivalAnnouncer({ toaster, openDetail, showAll });

  let refreshTimer = null;
  const refreshSoon = () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      store.refreshUnread().catch(onError);
      store.loadLatest().catch(onError);
      list.reload();
    }, REFRESH_DEBOUNCE_MS);
  };
  let reloadTimer = null;
  store.addEventListener('changed', () => {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => list.reload(), REFRESH_DEBOUNCE_MS);
  });

  herald = new Herald({ url: '/ws', tokenProvider: tokenProvider(api, endSession) });
  // On every open the server pushes what was not delivered yet, then the unread count. On the
  // page's first connection the list already shows those: no toasts.
  let syncing = false;
  let firstSync = true;
  herald.on('state', (change) => {
    showConnection(byId('connection'), byId('reconnect'), change);
    if (change.state !== 'open') return;
    syncing = true;
    if (change.reconnected) refreshSoon(); // catch up on what was missed
  });
  herald.on('notification', (notification) => {
    // Pushes from the live-only server API (send-to-user, send-notification) carry no inbox id.
    const isNew = notification.id == null || store.receive(notification);
    if (isNew && !(syncing && firstSync)) announce(notification);
  });
  herald.on('unread_count', ({ count }) => {
    const changedElsewhere = !syncing && count !== store.unread;
    if (syncing) firstSync = false;
    syncing = false;
    store.setUnread(count);
    if (changedElsewhere) refreshSoon(); // read or deleted in another tab or device
  });

  const userId = session.userId;
  const name = users.find((u) => u.user_id === userId)?.name;
  byId('who').textContent = name ? t('who.named_user', { name, id: String(userId) }) : t('who.user', { id: String(userId ?? '?') });
  byId('reconnect').addEventListener('click', () => herald.connect());
  byId('sign-out').addEventListener('click', () => {
    herald.close();
    session.clear();
    location.replace('/');
  });
  byId('sign-in').hidden = true;
  byId('session-bar').hidden = false;
  byId('inbox').hidden = false;

  herald.connect();
  store.refreshUnread().catch(onError);
  store.loadLatest().catch(onError);
  list.reload();
}

/**
 * Tokens for herald.js. The first call hands over the stored token; later calls (the server said
 * token_expired, refused the link, or expiry is near) renew a demo token, or end the session when
 * a pasted token is no longer accepted.
 */
function tokenProvider(api, endSession) {
  let first = true;
  const accepted = () =>
    api.unreadCount().then(
      () => true,
      (error) => {
        if (error.status === 401) return false;
        throw error; // unreachable: herald.js counts it as a failed attempt and retries
      },
    );
  return async () => {
    const current = session.current;
    if (!current) throw new Error('signed out');
    const renewDue = session.isExpired(Date.now() + RENEW_BEFORE_MS);
    if (first && !renewDue) {
      first = false;
      return current.token;
    }
    first = false;
    if (current.demoUserId != null) {
      if (renewDue || !(await accepted())) {
        session.save({ ...current, token: await demoToken(current.demoUserId) });
      }
      return session.token;
    }
    if (session.isExpired() || !(await accepted())) {
      endSession(t('session.expired'));
      throw new Error('session expired');
    }
    return current.token;
  };
}
