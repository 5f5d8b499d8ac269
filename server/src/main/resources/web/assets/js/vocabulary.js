// The notification vocabulary of SPEC §5, with the labels the pages show.

export const TYPES = Object.freeze({
  info: 'Info',
  success: 'Success',
  warning: 'Warning',
  error: 'Error',
  task: 'Task',
  system: 'System',
});

export const CATEGORIES = Object.freeze({
  system: 'System',
  task: 'Task',
  message: 'Message',
  reminder: 'Reminder',
  announcement: 'Announcement',
});

export const LEVELS = Object.freeze({
  urgent: 'Urgent — store and push now',
  normal: 'Normal — store only',
});

/** Label for a type or category value, falling back to the raw value. */
export function labelOf(vocabulary, value) {
  return vocabulary[value] ?? String(value ?? '');
}
