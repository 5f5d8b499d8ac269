// Runs a task now and then every interval, skipping turns while the page is hidden.

/**
 * @param {number} intervalMs
 * @param {() => Promise<unknown> | unknown} task errors are the task's own business
 * @returns {() => void} stops polling
 */
export function every(intervalMs, task) {
  let running = false;
  const tick = async () => {
    if (running || document.hidden) return;
    running = true;
    try {
      await task();
    } finally {
      running = false;
    }
  };
  tick();
  const handle = setInterval(tick, intervalMs);
  const onVisible = () => !document.hidden && tick();
  document.addEventListener('visibilitychange', onVisible);
  return () => {
    clearInterval(handle);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
