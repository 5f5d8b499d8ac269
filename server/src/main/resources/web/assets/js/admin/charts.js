// Small accessible charts built from plain elements: every figure is also written as text.

import { h } from '../dom.js';

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
        h('span', { class: 'bar-value' }, entry.value))));
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
    h('figcaption', {}, h('strong', {}, 'Read and unread')),
    h('div', { class: 'split', 'aria-hidden': 'true' },
      h('div', { class: 'split-unread', style: { width: `${share(unread)}%` } }),
      h('div', { class: 'split-read', style: { width: `${share(read)}%` } })),
    h('p', { class: 'legend' },
      h('span', {}, `Unread: ${unread} (${Math.round(share(unread))}%)`),
      h('span', {}, `Read: ${read} (${Math.round(share(read))}%)`)));
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
