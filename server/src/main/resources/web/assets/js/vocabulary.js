// The notification vocabulary of SPEC §5 (the codes of InboxLimits), with the labels the pages show
// in the chosen language. The API keeps the codes; only the labels are translated.

import { t } from './i18n.js';

/** @returns {Record<string, string>} type code → label */
export function types() {
  return {
    info: t('type.info'),
    success: t('type.success'),
    warning: t('type.warning'),
    error: t('type.error'),
    task: t('type.task'),
    system: t('type.system'),
  };
}

/** @returns {Record<string, string>} category code → label */
export function categories() {
  return {
    system: t('category.system'),
    task: t('category.task'),
    message: t('category.message'),
    reminder: t('category.reminder'),
    announcement: t('category.announcement'),
  };
}

/** @returns {Record<string, string>} level code → label */
export function levels() {
  return {
    urgent: t('level.urgent'),
    normal: t('level.normal'),
  };
}

/** Label for a type or category value, falling back to the raw value. */
export function labelOf(vocabulary, value) {
  return vocabulary[value] ?? String(value ?? '');
}
