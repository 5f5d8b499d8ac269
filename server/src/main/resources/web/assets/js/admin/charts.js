// Small accessible charts built from plain elements: every figure is also written as text.

import { h } from '../dom.js';
import { formatNumber, t } from '../i18n.js';

/**
 * Horizontal bars, one per entry, scaled to the largest value.
 * @param {string} caption
 * @param {Array<{key: string, label: string, value: number}>} entries
 * @param {string} [classPrefix] adds `${classPrefix}${key}` to each bar (for colours)
 */
export function barChart(caption, entries, classPrefix = '') {
  const max = Math.max(1, ...entries.map((e) => e.value));
  return h('figure', { class: 'bars' },
    h('figcaption', {}, h('strong', {}, caption)),
    entries.map((entry) =>
      h('div', { class: `bar ${classPrefix ? classPrefix + entry.key : ''}`.trim() },
        h('span', {}, entry.label),
        h('div', { class: 'bar-track', 'aria-hidden': 'true' },
          h('div', { class: 'bar-fill', style: { width: `${(100 * entry.value) / max}%` } })),
        h('span', { class: 'bar-value' }, formatNumber(entry.value)))));
}

/**
 * One bar split into unread and read shares, with a legend.
 * @param {number} unread
 * @param {number} read
 */
export function readSplit(unread, read) {
  const sum = unread + read;
  const share = (n) => (sum === 0 ? 0 : (100 * n) / sum);
  return h('figure', { class: 'bars' },
    h('figcaption', {}, h('strong', {}, t('stats.read_split'))),
    h('div', { class: 'split', 'aria-hidden': 'true' },
      h('div', { class: 'split-unread', style: { width: `${share(unread)}%` } }),
      h('div', { class: 'split-read', style: { width: `${share(read)}%` } })),
    h('p', { class: 'legend' },
      h('span', {}, t('stats.unread_share', { count: unread, share: formatNumber(share(unread) / 100, { style: 'percent' }) })),
      h('span', {}, t('stats.read_share', { count: read, share: formatNumber(share(read) / 100, { style: 'percent' }) }))));
}

/**
 * Draws a polyline of the values into an SVG with viewBox 0 0 300 60.
 * @param {SVGElement} svg
 * @param {number[]} values
 */
export function drawSparkline(svg, values) {
  const ns = 'http://www.w3.org/2000/svg';
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? 300 / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(58 - (56 * v) / max).toFixed(1)}`).join(' ');
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', points);
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', 'currentColor');
  line.setAttribute('stroke-width', '2');
  line.setAttribute('vector-effect', 'non-scaling-stroke');
  svg.replaceChildren(line);
}
