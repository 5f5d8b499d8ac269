// Reads the Prometheus text format served at /metrics (enough of it for the console).

/**
 * @typedef {{labels: Record<string, string>, value: number}} Sample
 */

/**
 * Parses exposition text into samples by metric name; comments and malformed lines are skipped.
 * @param {string} text
 * @returns {Map<string, Sample[]>}
 */
export function parsePrometheus(text) {
  const metrics = new Map();
  for (const line of text.split('\n')) {
    const sample = parseLine(line.trim());
    if (!sample) continue;
    const list = metrics.get(sample.name) ?? [];
    list.push({ labels: sample.labels, value: sample.value });
    metrics.set(sample.name, list);
  }
  return metrics;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function parseLine(line) {
  if (!line || line.startsWith('#')) return null;
  const match = LINE.exec(line);
  if (!match) return null;
  const value = parseValue(match[4]);
  if (Number.isNaN(value)) return null;
  const labels = {};
  for (const [, key, raw] of (match[3] ?? '').matchAll(LABEL)) {
    labels[key] = raw.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  }
  return { name: match[1], labels, value };
}

function parseValue(text) {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** The sum of all samples of a metric, or null when it is absent. */
export function total(metrics, name) {
  const samples = metrics.get(name);
  return samples ? samples.reduce((sum, s) => sum + s.value, 0) : null;
}

/**
 * The metrics worth a tile on the console: Herald's own (prefix `herald_`), and the JVM's memory
 * and thread gauges; histogram buckets are left out.
 * @param {Map<string, Sample[]>} metrics
 * @returns {Array<{name: string, value: number}>}
 */
export function headlineMetrics(metrics) {
  const wanted = (name) =>
    (name.startsWith('herald_') && !name.endsWith('_bucket')) ||
    name === 'jvm_memory_used_bytes' ||
    name === 'jvm_threads_live_threads' ||
    name === 'process_cpu_usage';
  return [...metrics.keys()].filter(wanted).sort().map((name) => ({ name, value: total(metrics, name) }));
}

/** The open-connections gauge: the first herald_* gauge about connections that is not a counter. */
export function connectionGauge(metrics) {
  const name = [...metrics.keys()].find((n) => n.startsWith('herald_') && /connections/.test(n) && !/_total$|_created$/.test(n));
  return name ? { name, value: total(metrics, name) } : null;
}
