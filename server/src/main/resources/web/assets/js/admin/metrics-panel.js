// "Live metrics": /health (this node's status and connections) and /metrics (Prometheus), polled,
// with a sparkline of open connections.

import { byId, h, replaceChildren } from '../dom.js';
import { formatNumber, t, timeOfDay } from '../i18n.js';
import { drawSparkline } from './charts.js';
import { every } from './poll.js';
import { connectionGauge, headlineMetrics, parsePrometheus } from './prometheus.js';

const POLL_MS = 3000;
const HISTORY = 100;

/**
 * /metrics takes the console's credential unless the server runs with `metrics.access=public`.
 * @param {{credentials?: () => (string | null), fetch?: typeof fetch}} [deps]
 */
export function mountMetrics({ credentials = () => null, fetch: fetchFn = (...args) => globalThis.fetch(...args) } = {}) {
  const list = byId('metrics-list');
  const updated = byId('metrics-updated');
  const sparkline = /** @type {SVGElement} */ (/** @type {unknown} */ (byId('metrics-sparkline')));
  const history = [];

  async function poll() {
    const [health, text] = await Promise.all([
      fetchFn('/health').then((r) => r.json()).catch(() => null),
      fetchFn('/metrics', { headers: authorization(credentials()) }).then((r) => (r.ok ? r.text() : '')).catch(() => ''),
    ]);
    const metrics = parsePrometheus(text);
    const node = health?.data ?? {};
    const connections = node.connections ?? connectionGauge(metrics)?.value;
    if (typeof connections === 'number') {
      byId('metrics-connections').textContent = formatNumber(connections);
      history.push(connections);
      if (history.length > HISTORY) history.shift();
      drawSparkline(sparkline, history);
      sparkline.setAttribute('aria-label', t('metrics.sparkline_now', { count: connections }));
    }
    replaceChildren(list,
      tile(t('metrics.status'), node.status ?? t('metrics.unreachable')),
      node.node_id ? tile(t('metrics.node'), node.node_id) : null,
      typeof node.uptime_seconds === 'number' ? tile(t('metrics.uptime'), uptime(node.uptime_seconds)) : null,
      typeof node.users === 'number' ? tile(t('metrics.users'), formatNumber(node.users)) : null,
      headlineMetrics(metrics).map(({ name, value }) => tile(name, format(value))));
    updated.textContent = t('console.updated', { time: timeOfDay() });
  }

  return every(POLL_MS, poll);
}

function authorization(token) {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

function tile(name, value) {
  return h('div', {}, h('dt', {}, name), h('dd', {}, value));
}

function uptime(seconds) {
  const unit = (value, name, digits = 0) => formatNumber(value, { style: 'unit', unit: name, unitDisplay: 'short', maximumFractionDigits: digits });
  if (seconds < 120) return unit(seconds, 'second');
  if (seconds < 7200) return unit(Math.round(seconds / 60), 'minute');
  return unit(seconds / 3600, 'hour', 1);
}

function format(value) {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1e6) return formatNumber(value, { notation: 'compact', maximumFractionDigits: 1 });
  return formatNumber(value, { maximumFractionDigits: 2 });
}
