// What widens the page: the document's scroll width against the viewport's, and what of a card is laid out past its
// right edge. Runs in the page (no closures), so that Chromium's and Firefox's specs measure the same way.

export interface Widths {
  scrollWidth: number;
  innerWidth: number;
  /** Tag names of the card's elements laid out past its right edge. */
  outside: string[];
}

/** Measures the torrent item named `name`; in the page. */
export function widthsInPage(name: string): Widths {
  const card = [...document.querySelectorAll('li.torrent')].find(
    (li) => li.getAttribute('aria-label') === name,
  );
  if (!card) throw new Error(`no item ${name}`);
  const right = card.getBoundingClientRect().right;
  // What scrolls inside its own box is clipped by it: only what is laid out past the card counts.
  const outside = [...card.querySelectorAll<HTMLElement>('*')]
    .filter((element) => !element.closest('.scroll') || element.classList.contains('scroll'))
    .filter((element) => element.getBoundingClientRect().right > right + 0.5)
    .map((element) => element.tagName);
  return { scrollWidth: document.documentElement.scrollWidth, innerWidth, outside };
}
