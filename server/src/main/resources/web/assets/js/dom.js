// Builds DOM nodes. Text is always inserted as text nodes, never parsed as HTML.

/**
 * Creates an element. `props`: `class`, `text`, `dataset`, `style` (an object of CSS properties,
 * set through the CSSOM so a strict Content-Security-Policy allows it), `on<event>` listeners, and attributes
 * (true → present, false/null/undefined → absent). Children: nodes or strings (as text).
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {...(Node | string | number | null | undefined | false | Array<any>)} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = String(value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'style') Object.assign(node.style, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  node.append(...present(children));
  return node;
}

/** Replaces all children of `node` (same child rules as `h`). */
export function replaceChildren(node, ...children) {
  node.replaceChildren(...present(children));
}

function present(children) {
  return children
    .flat(Infinity)
    .filter((c) => c != null && c !== false)
    .map((c) => (typeof c === 'number' ? String(c) : c));
}

/**
 * Runs `render` (which rebuilds the children of `container`) and puts keyboard focus back where it
 * was: on the same control of the element with the same `data-id`, when that element still exists.
 * When focus was in an open menu (role="menu", opened by the control whose aria-controls names it),
 * the new copy of that control opens its menu again and focus goes to the item in the same place.
 * @param {HTMLElement} container
 * @param {() => void} render
 */
export function keepingFocus(container, render) {
  const focused = /** @type {HTMLElement | null} */ (document.activeElement);
  const menu = focused?.closest('[role=menu]');
  const opener = menu?.id ? document.querySelector(`[aria-controls="${CSS.escape(menu.id)}"]`) : null;
  const item = opener ? [...menu.querySelectorAll('[role=menuitem]')].indexOf(focused) : -1;
  const active = /** @type {HTMLElement | null} */ (opener ?? focused);
  const holder = active && container.contains(active) ? active.closest('[data-id]') : null;
  const label = active?.getAttribute('aria-label');
  const className = active?.className;
  render();
  if (!holder) return;
  const again = container.querySelector(`[data-id="${CSS.escape(holder.dataset.id)}"]`);
  if (!again) return;
  const controls = [...again.querySelectorAll('button, input, a')];
  const same = controls.find((el) => (label ? el.getAttribute('aria-label') === label : el.className === className));
  if (opener && same) {
    same.click(); // opens the menu
    const items = document.getElementById(same.getAttribute('aria-controls') ?? '')?.querySelectorAll('[role=menuitem]');
    /** @type {HTMLElement | undefined} */ (items?.[item])?.focus();
    return;
  }
  /** @type {HTMLElement | undefined} */ (same ?? controls[0])?.focus();
}

/** Shorthand for document.getElementById that fails loudly when the page lacks the element. */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from the page`);
  return node;
}
