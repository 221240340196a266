/**
 * A small element builder: text always goes in as text nodes (never parsed as HTML), so nothing an
 * identity provider sends can turn into markup on an admin's screen.
 */
export type Child = Node | string | number | null | undefined | false | Child[];
type AttrValue = string | number | boolean | null | undefined;
export type Attrs = { [name: string]: AttrValue | ((event: Event) => void) };

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) for (const c of child) append(parent, c);
  else parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

/** Replaces an element's children. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/**
 * The box a table scrolls in when it is wider than the page (a phone, a long value). While it
 * scrolls it is a named region in the tab order, so a keyboard can reach and scroll it; while it
 * fits it is neither, so a table that needs no scrolling adds no tab stop.
 */
export function tableWrap(label: string, table: HTMLTableElement): HTMLElement {
  return scrollsWhenWide(h('div', { class: 'table-wrap' }, table), label);
}

/** Makes a box that scrolls sideways (a table's, a code block) reachable by keyboard while it does. */
export function scrollsWhenWide<T extends HTMLElement>(wrap: T, label: string): T {
  const update = () => {
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      wrap.setAttribute('tabindex', '0');
      wrap.setAttribute('role', 'region');
      wrap.setAttribute('aria-label', `${label} (scrolls sideways)`);
    } else {
      for (const name of ['tabindex', 'role', 'aria-label']) wrap.removeAttribute(name);
    }
  };
  new ResizeObserver(update).observe(wrap);
  if (wrap.firstElementChild) new ResizeObserver(update).observe(wrap.firstElementChild);
  return wrap;
}

/** Tells screen readers something happened (copy, generate, save) without moving focus. */
export function announce(message: string): void {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  window.setTimeout(() => (region.textContent = message), 50);
}

/** An inline SVG icon from a path (icons are decorative: hidden from screen readers). */
export function icon(path: string): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  p.setAttribute('d', path);
  svg.appendChild(p);
  return svg;
}

export const ICONS = {
  people:
    'M16 19v-1.5a3.5 3.5 0 0 0-3.5-3.5h-5A3.5 3.5 0 0 0 4 17.5V19M10 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7Zm10 8v-1.5a3.5 3.5 0 0 0-2.5-3.35M15 4.2a3.5 3.5 0 0 1 0 6.6',
  groups: 'M4 6h16M4 12h16M4 18h10',
  key: 'M15 7a4 4 0 1 1-3.9 4.9L4 19v2h3v-2h2v-2h2l1.1-1.1A4 4 0 0 1 15 7Zm1.5 2.5h.01',
  log: 'M5 4h14v16H5zM8 8h8M8 12h8M8 16h5',
  pending: 'M12 7v5l3 2M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0Z',
  duplicate: 'M8 8h11v11H8zM5 16V5h11',
  tenants: 'M3 21h18M5 21V7l7-4 7 4v14M9 10h1M14 10h1M9 14h1M14 14h1',
  copy: 'M9 9h11v11H9zM5 15V4h11',
  guide: 'M4 5h6a2 2 0 0 1 2 2v12a2 2 0 0 0-2-2H4zM20 5h-6a2 2 0 0 0-2 2v12a2 2 0 0 1 2-2h6z',
  out: 'M15 17l5-5-5-5M20 12H9M12 20H5V4h7',
  menu: 'M4 7h16M4 12h16M4 17h16',
  held: 'M12 3l8 3v6c0 4.5-3.4 8.3-8 9-4.6-.7-8-4.5-8-9V6zM10 9v5M14 9v5',
};
