// A menu button after the WAI-ARIA Authoring Practices pattern: a trigger button
// (aria-haspopup="menu", aria-expanded, aria-controls) and a popup role="menu" of role="menuitem"
// buttons. The popup is in the page's flow, under the trigger, so no scrolling container clips it.
//
// Keyboard: Enter, Space or ArrowDown on the trigger opens the menu with focus on the first item
// (ArrowUp: on the last); in the menu ArrowDown / ArrowUp move (wrapping), Home / End go to the
// first / last item, Enter or Space chooses, Escape closes and returns focus to the trigger, Tab
// closes and moves on from the trigger. A click outside closes it; choosing an item closes it.

import { h } from './dom.js';

let menus = 0;

/**
 * @param {object} options
 * @param {string} options.label the trigger's visible text
 * @param {string} [options.triggerLabel] the trigger's accessible name, when it says more than the text
 * @param {string} [options.triggerClass]
 * @param {string} options.menuLabel the menu's accessible name
 * @param {Array<{label: string, title?: string, dataset?: Record<string, string>, choose: () => void}>} options.items
 * @returns {HTMLElement} the trigger and its menu, in one wrapper that takes no box of its own
 */
export function menuButton({ label, triggerLabel, triggerClass = '', menuLabel, items }) {
  const id = `menu-${++menus}`;
  const trigger = h('button', {
    type: 'button',
    class: triggerClass,
    'aria-haspopup': 'menu',
    'aria-expanded': 'false',
    'aria-controls': id,
    'aria-label': triggerLabel,
  }, label);
  const entries = items.map((item) => h('button', {
    type: 'button',
    role: 'menuitem',
    tabindex: '-1',
    class: 'menu-item',
    title: item.title,
    dataset: item.dataset,
    onclick: () => {
      close(true);
      item.choose();
    },
  }, item.label));
  const menu = h('div', { class: 'menu', role: 'menu', id, 'aria-label': menuLabel }, entries);
  menu.hidden = true;
  const wrapper = h('div', { class: 'menu-button' }, trigger, menu);

  const isOpen = () => !menu.hidden;

  function open(index) {
    menu.hidden = false;
    trigger.setAttribute('aria-expanded', 'true');
    document.addEventListener('click', onClickOutside);
    menu.scrollIntoView({ block: 'nearest' }); // all of it, in a scrolled dropdown too
    focusItem(index);
  }

  function close(returnFocus) {
    if (!isOpen()) return;
    menu.hidden = true;
    trigger.setAttribute('aria-expanded', 'false');
    document.removeEventListener('click', onClickOutside);
    if (returnFocus) trigger.focus();
  }

  function focusItem(index) {
    entries[(index + entries.length) % entries.length].focus();
  }

  function onClickOutside(event) {
    if (!wrapper.contains(/** @type {Node} */ (event.target))) close(false);
  }

  // Enter and Space reach here as the button's click.
  trigger.addEventListener('click', () => (isOpen() ? close(true) : open(0)));
  trigger.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') open(0);
    else if (event.key === 'ArrowUp') open(-1);
    else return;
    event.preventDefault();
  });
  menu.addEventListener('keydown', (event) => {
    const index = entries.indexOf(/** @type {HTMLButtonElement} */ (document.activeElement));
    switch (event.key) {
      case 'ArrowDown': focusItem(index + 1); break;
      case 'ArrowUp': focusItem(index - 1); break;
      case 'Home': focusItem(0); break;
      case 'End': focusItem(-1); break;
      case 'Escape':
        // stopped here: the bell's dropdown or the dialog around the menu stays open
        event.stopPropagation();
        close(true);
        break;
      case 'Tab':
        // not prevented: focus moves on from the trigger, past the (now hidden) items
        close(true);
        return;
      default:
        return;
    }
    event.preventDefault();
  });

  return wrapper;
}
