// The one-line outcome under a console form.

/** @param {HTMLElement} node @param {string} text @param {boolean} ok */
export function showResult(node, text, ok) {
  node.textContent = text;
  node.classList.toggle('ok', ok);
  node.classList.toggle('failed', !ok);
}
