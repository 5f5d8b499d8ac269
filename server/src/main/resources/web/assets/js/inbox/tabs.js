// The bell dropdown's filter tabs (seed 000: all / notification / task / warning).
//
// Besides "All", every notification falls in exactly one tab, checked in this order:
//   Warnings       type warning or error
//   Tasks          type task, or category task
//   Notifications  everything else (info, success, system …)

import { t } from '../i18n.js';

const isWarning = (n) => n.type === 'warning' || n.type === 'error';
const isTask = (n) => n.type === 'task' || n.category === 'task';

export const TABS = Object.freeze([
  { id: 'all', label: () => t('tab.all'), matches: () => true },
  { id: 'notification', label: () => t('tab.notification'), matches: (n) => !isWarning(n) && !isTask(n) },
  { id: 'task', label: () => t('tab.task'), matches: (n) => !isWarning(n) && isTask(n) },
  { id: 'warning', label: () => t('tab.warning'), matches: isWarning },
]);

/** The tab with this id (the "All" tab for unknown ids). */
export function tabById(id) {
  return TABS.find((tab) => tab.id === id) ?? TABS[0];
}
