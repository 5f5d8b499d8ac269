// The console page (/admin): sign-in with an admin token or API key, then the panels.

import { ApiClient, ApiError, gatewayApi, inboxApi } from '../api.js';
import { byId } from '../dom.js';
import { initI18n, mountLanguageSwitcher, t } from '../i18n.js';
import { Session, demoToken, demoUsers } from '../session.js';
import { showSignIn } from '../signin.js';
import { Toaster } from '../toast.js';
import { mountMetrics } from './metrics-panel.js';
import { mountOnline } from './online.js';
import { mountPushForm } from './push-form.js';
import { mountRetryForm } from './retry-form.js';
import { mountSendForm } from './send-form.js';
import { mountStats } from './stats.js';

await initI18n();
mountLanguageSwitcher(/** @type {HTMLSelectElement} */ (byId('language')));
const session = new Session('admin');
const toaster = new Toaster(byId('toasts'));
session.adoptTokenFromUrl();
const users = (await demoUsers()) ?? [];

if (!session.token) signIn();
else if (session.isExpired() && session.current.demoUserId == null) signIn(t('session.expired'));
else start();

function signIn(message) {
  const demoAdmin = users[0];
  showSignIn({
    root: byId('sign-in'),
    heading: t('signin.console_heading'),
    tokenLabel: t('signin.console_token_label'),
    message,
    demoChoices: demoAdmin ? [{
      label: t('signin.demo_admin'),
      description: t('signin.demo_admin_for', { name: demoAdmin.name }),
      choose: async () => {
        session.save({ token: await demoToken(demoAdmin.user_id, true), demoUserId: demoAdmin.user_id });
        location.replace('/admin');
      },
    }] : [],
    useToken: async (token) => {
      await gatewayApi(new ApiClient({ credentials: () => token })).onlineUsers().catch((error) => {
        if (error.status === 401) throw new Error(t('signin.key_refused'));
        if (error.status === 403) throw new Error(t('signin.not_admin'));
        throw error;
      });
      session.save({ token });
      location.replace('/admin');
    },
  });
}

async function start() {
  if (session.isExpired(Date.now() + 60_000) && session.current.demoUserId != null) {
    session.save({ ...session.current, token: await demoToken(session.current.demoUserId, true) });
  }
  const client = new ApiClient({ credentials: () => session.token });
  const inbox = inboxApi(client);
  const gateway = gatewayApi(client);
  const names = new Map(users.map((u) => [u.user_id, u.name]));
  const nameOf = (id) => (names.has(id) ? t('who.named', { name: names.get(id), id: String(id) }) : t('who.user', { id: String(id) }));
  const stops = [];

  const onError = (error) => {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      stops.forEach((stop) => stop());
      session.clear();
      byId('console').hidden = true;
      byId('session-bar').hidden = true;
      signIn(error.status === 401 ? t('session.ended') : t('session.not_admin'));
    } else {
      toaster.error(error);
    }
  };

  const reloadStats = mountStats({ inbox, knownUsers: users, initialUserId: session.userId });
  stops.push(mountOnline({ gateway, nameOf, onError }));
  mountSendForm({ inbox, knownUsers: users });
  mountPushForm({ gateway });
  mountRetryForm({ inbox });
  stops.push(mountMetrics({ credentials: () => session.token }));
  reloadStats();
  byId('send-form').addEventListener('submit', () => setTimeout(reloadStats, 500));

  const userId = session.userId;
  byId('who').textContent = userId == null ? t('who.api_key') : t('who.admin', { name: nameOf(userId) });
  byId('sign-out').addEventListener('click', () => {
    session.clear();
    location.replace('/admin');
  });
  byId('sign-in').hidden = true;
  byId('session-bar').hidden = false;
  byId('console').hidden = false;
}
