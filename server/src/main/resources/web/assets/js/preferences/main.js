// The preferences page (/preferences): each category and type on / quiet / off, and the email
// address for notifications. Every change is saved at once (PUT merges what it is given).

import { ApiClient, ApiError, inboxApi } from '../api.js';
import { byId, h, replaceChildren } from '../dom.js';
import { initI18n, mountLanguageSwitcher, t, timeOfDay } from '../i18n.js';
import { Session, demoToken } from '../session.js';
import { Toaster } from '../toast.js';
import { categories, types } from '../vocabulary.js';

const MODES = ['on', 'quiet', 'off'];

await initI18n();
mountLanguageSwitcher(/** @type {HTMLSelectElement} */ (byId('language')));
const toaster = new Toaster(byId('toasts'));
const session = new Session('inbox');
session.adoptTokenFromUrl();

if (!session.token) {
  byId('signed-out').hidden = false;
} else {
  if (session.isExpired() && session.current.demoUserId != null) {
    session.save({ ...session.current, token: await demoToken(session.current.demoUserId) });
  }
  start(inboxApi(new ApiClient({ credentials: () => session.token })));
}

async function start(api) {
  let preferences;
  try {
    preferences = await api.preferences();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      session.clear();
      byId('signed-out').hidden = false;
    } else {
      toaster.error(error);
    }
    return;
  }
  const form = /** @type {HTMLFormElement} */ (byId('preferences'));
  const email = /** @type {HTMLInputElement} */ (byId('email'));
  const emailError = byId('email-error');
  const saved = byId('saved');

  const save = async (changes) => {
    const result = await api.savePreferences(changes);
    saved.textContent = t('preferences.saved', { time: timeOfDay() });
    return result;
  };

  const modeRows = (group, vocabulary, current) =>
    Object.entries(vocabulary).map(([code, label]) => {
      const labelId = `${group}-${code}-label`;
      const radios = MODES.map((mode) => {
        const input = h('input', {
          type: 'radio',
          name: `${group}.${code}`,
          value: mode,
          checked: (current[code] ?? 'on') === mode,
        });
        input.addEventListener('change', () => {
          if (!input.checked) return;
          save({ [group]: { [code]: mode } }).catch((error) => toaster.error(error));
        });
        return h('label', {}, input, h('span', {}, modeLabel(mode)));
      });
      return h('div', { class: 'mode-row', dataset: { group, code } },
        h('span', { id: labelId }, label),
        h('div', { class: 'segmented', role: 'radiogroup', 'aria-labelledby': labelId }, radios));
    });

  replaceChildren(byId('category-modes'), modeRows('categories', categories(), preferences.categories ?? {}));
  replaceChildren(byId('type-modes'), modeRows('types', types(), preferences.types ?? {}));
  email.value = preferences.email ?? '';

  const showEmailError = (message) => {
    emailError.textContent = message ?? '';
    emailError.hidden = !message;
    if (message) email.setAttribute('aria-invalid', 'true');
    else email.removeAttribute('aria-invalid');
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = email.value.trim();
    try {
      await save({ email: value === '' ? null : value });
      showEmailError(null);
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        showEmailError(error.fieldErrors?.email ?? error.message);
        email.focus();
      } else {
        toaster.error(error);
      }
    }
  });
  form.hidden = false;
}

function modeLabel(mode) {
  return { on: t('preferences.mode_on'), quiet: t('preferences.mode_quiet'), off: t('preferences.mode_off') }[mode];
}
