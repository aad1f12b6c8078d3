import { Page } from '@playwright/test';

/**
 * Text defects known and not fixed yet (path and problem). Empty: every page is clean; a new
 * defect fails the crawler. Layout defects (contrast, broken words, overflow) have no list.
 */
const KNOWN_TEXT_DEFECTS: RegExp[] = [];

/** Whether `problem` on the page at `path` is one of the KNOWN_TEXT_DEFECTS. */
export function isKnownTextDefect(path: string, problem: string): boolean {
  return KNOWN_TEXT_DEFECTS.some((known) => known.test(`${path}: ${problem}`));
}

/**
 * What a page looks like to a reader, checked in the browser itself. Each entry of the result
 * names one defect: `kind: where: text`. The kinds:
 * - `fluent`: raw Fluent in the visible text or in an accessible name (`{$`, `{ $`, `{???}`, a
 *   lone message key such as `call-page-title`);
 * - `contrast`: a visible text's computed contrast below 4.5:1 (3:1 for large text), from the
 *   colours the browser computed (backgrounds composed up the tree, opacity included);
 * - `broken-word`: a word split over two lines anywhere but after a hyphen or slash (long
 *   addresses and links that fit on no line are allowed to break);
 * - `glued`: two words run together across an element boundary ("dieNutzungsbedingungenvon",
 *   "Titel(freiwillig)");
 * - `overflow`: the page scrolls sideways (with the widest culprits);
 * - `footer`: on a page shorter than the window the footer ends above its bottom (a blank band);
 * - `cut-select`: a selection field too narrow for its chosen entry (a phone showed
 *   "Kassenärztliche Vereinigung" for every KV);
 * - `heading-size`: a visible heading set larger than a visible heading of a higher rank (an h3
 *   above the page's h2, an h2 above its h1).
 */
export async function lookAt(page: Page): Promise<string[]> {
  return page.evaluate(inspectPage);
}

/** The checks of [`lookAt`], run inside the page (self-contained, so that puppeteer can run it
 * in Firefox as well). */
export function inspectPage(): string[] {
  {
    const problems: string[] = [];
    const short = (s: string, n = 70) => s.replace(/\s+/g, ' ').trim().slice(0, n);
    const describe = (el: Element | null): string => {
      if (!el) return '?';
      const id = el.id ? `#${el.id}` : '';
      const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      return `${el.tagName.toLowerCase()}${id}${cls}`;
    };

    // Text nodes that are rendered (not in display:none, closed <details>, <script> …).
    const skipTags = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'OPTION', 'SELECT', 'TEXTAREA', 'DATALIST']);
    const rendered: Text[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode as Text;
      const parent = node.parentElement;
      if (!parent || skipTags.has(parent.tagName) || parent.closest('select, datalist, template')) continue;
      if (!parent.checkVisibility({ visibilityProperty: true } as any)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      if (range.getClientRects().length === 0) continue;
      rendered.push(node);
    }
    // Visible to the eye: not the visually hidden helper texts for screen readers (clipped to
    // a pixel, like `.visually-hidden` or the team table's header on phones).
    const seen = (node: Text) => {
      for (let e: Element | null = node.parentElement; e && e !== document.body; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (s.clip !== 'auto' && s.clip !== '' && s.position === 'absolute') return false;
        const r = e.getBoundingClientRect();
        if (r.width <= 1 && r.height <= 1 && s.overflow === 'hidden') return false;
      }
      return true;
    };

    // (a) Raw Fluent: in the text and in accessible names.
    const texts: [string, string][] = rendered.map((n) => [n.data, describe(n.parentElement)]);
    for (const el of Array.from(document.querySelectorAll('[aria-label], [title], [placeholder], img[alt]'))) {
      for (const attr of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = el.getAttribute(attr);
        if (value) texts.push([value, `${describe(el)}[${attr}]`]);
      }
    }
    for (const [text, where] of texts) {
      const raw = /\{\s*\$|\{\?\?\?\}|\{\s*-?[a-z][a-z0-9-]*\s*\}/.exec(text);
      if (raw) problems.push(`fluent: ${where}: "${short(text.slice(Math.max(0, raw.index - 40), raw.index + 30))}"`);
      else if (/^\s*[a-z][a-z0-9]*(-[a-z0-9]+){2,}\s*$/.test(text) && !/^\s*praxis-|\d{4,}/.test(text)) {
        problems.push(`fluent: ${where}: lone key "${short(text)}"`);
      }
    }

    // (b) Contrast.
    const rgba = (c: string): [number, number, number, number] | null => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return null;
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const over = (top: number[], alpha: number, bottom: number[]) => top.map((v, i) => v * alpha + bottom[i] * (1 - alpha));
    const luminance = (c: number[]) => {
      const [r, g, b] = c.map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a: number[], b: number[]) => {
      const [x, y] = [luminance(a), luminance(b)].sort((m, n) => n - m);
      return (x + 0.05) / (y + 0.05);
    };
    const checked = new Set<Element>();
    for (const node of rendered) {
      const el = node.parentElement!;
      if (!node.data.trim() || checked.has(el) || !seen(node)) continue;
      checked.add(el);
      if (el.closest('[disabled], [aria-disabled="true"]')) continue; // inactive controls are exempt
      const style = getComputedStyle(el);
      const fg = rgba(style.color);
      if (!fg) continue;
      // Backgrounds from the element up to the first opaque one, then composed bottom-up.
      const layers: [number, number, number, number][] = [];
      let opacity = 1;
      let unknown = false;
      for (let e: Element | null = el; e; e = e.parentElement) {
        const s = getComputedStyle(e);
        opacity *= Number(s.opacity);
        if (s.backgroundImage !== 'none') unknown = true;
        const bg = rgba(s.backgroundColor);
        if (bg && bg[3] > 0) {
          layers.push(bg);
          if (bg[3] >= 1) break;
        }
      }
      if (unknown) continue;
      let bg = [255, 255, 255];
      for (const layer of layers.reverse()) bg = over(layer.slice(0, 3), layer[3], bg);
      const text = over(fg.slice(0, 3), fg[3] * opacity, bg);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const need = large ? 3 : 4.5;
      const got = ratio(text, bg);
      if (got < need) {
        problems.push(`contrast: ${describe(el)}: "${short(node.data, 40)}" ${got.toFixed(2)}:1 < ${need}:1 (${style.color} on rgb(${bg.map(Math.round).join(', ')}))`);
      }
    }

    // (c) Words broken inside.
    const lineOf = (r: DOMRect) => r.top + r.height / 2;
    for (const node of rendered) {
      if (!seen(node)) continue;
      const words = node.data.matchAll(/\S+/g);
      for (const match of words) {
        const word = match[0];
        if (word.length < 2) continue;
        const range = document.createRange();
        range.setStart(node, match.index!);
        range.setEnd(node, match.index! + word.length);
        const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
        if (rects.length < 2) continue;
        const first = rects[0];
        if (rects.every((r) => Math.abs(lineOf(r) - lineOf(first)) < first.height / 2)) continue;
        // Where does it break? Allowed after a hyphen, slash or dash, or inside a string that
        // cannot fit on any line (an e-mail address, a link, a long code).
        const breaks: number[] = [];
        let previous: DOMRect | null = null;
        for (let i = 0; i < word.length; i++) {
          const c = document.createRange();
          c.setStart(node, match.index! + i);
          c.setEnd(node, match.index! + i + 1);
          const r = c.getBoundingClientRect();
          if (r.width === 0 && r.height === 0) continue;
          if (previous && Math.abs(lineOf(r) - lineOf(previous)) >= previous.height / 2) breaks.push(i);
          previous = r;
        }
        const bad = breaks.filter((i) => !/[-/‐–—\u00ad]/.test(word[i - 1]));
        const unbreakable = /@|:\/\/|^www\./.test(word) || word.length > 30;
        if (bad.length > 0 && !unbreakable) {
          const shown = bad.reduceRight((w, i) => `${w.slice(0, i)}|${w.slice(i)}`, word);
          problems.push(`broken-word: ${describe(node.parentElement)}: "${shown}"`);
        }
      }
    }

    // (d) Words glued across element boundaries (in one line box: the same block container).
    const block = (n: Node): Element => {
      let e = n.parentElement!;
      while (e.parentElement && ['inline', 'contents'].includes(getComputedStyle(e).display)) e = e.parentElement;
      return e;
    };
    const textish = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const all: Text[] = [];
    while (textish.nextNode()) {
      const n = textish.currentNode as Text;
      const p = n.parentElement;
      if (p && !skipTags.has(p.tagName) && p.checkVisibility()) all.push(n);
    }
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1], all[i]];
      if (!/[\p{L}\p{N}):;,.!?]$/u.test(a.data) || !/^[\p{L}\p{N}(]/u.test(b.data)) continue;
      if (block(a) !== block(b)) continue;
      const between = document.createRange();
      between.setStart(a, a.length);
      between.setEnd(b, 0);
      if (between.cloneContents().querySelector('br, img, input, select, textarea, button')) continue;
      problems.push(`glued: ${describe(block(a))}: "${short(a.data.slice(-30), 30)}" + "${short(b.data, 30)}"`);
    }

    // (e) Sideways scrolling.
    const width = window.innerWidth;
    if (document.documentElement.scrollWidth > width) {
      const wide = Array.from(document.body.querySelectorAll('*'))
        .filter((e) => e.getBoundingClientRect().right > width + 1 && e.checkVisibility())
        .slice(-3)
        .map(describe);
      problems.push(`overflow: page is ${document.documentElement.scrollWidth} px wide at ${width} px: ${wide.join(', ')}`);
    }
    // (f) A short page's footer ends at the window's bottom, not above a blank band.
    const footer = document.querySelector('body > footer');
    if (footer && footer.checkVisibility()) {
      const gap = window.innerHeight - footer.getBoundingClientRect().bottom;
      if (document.documentElement.scrollHeight <= window.innerHeight && gap > 1) {
        problems.push(`footer: ends ${Math.round(gap)} px above the window's bottom`);
      }
    }
    // (g) A selection field shows its chosen entry whole: the text's width in the field's font
    // against the field's inner width less its padding and the arrow (about 1.5 em).
    const measure = document.createElement('canvas').getContext('2d')!;
    for (const select of Array.from(document.querySelectorAll('select'))) {
      const option = select.selectedOptions[0];
      if (!option || select.multiple || select.size > 1 || !select.checkVisibility()) continue;
      const s = getComputedStyle(select);
      measure.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
      const text = option.text.trim();
      const need = measure.measureText(text).width;
      const room = select.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - 1.5 * parseFloat(s.fontSize);
      if (need > room) problems.push(`cut-select: ${describe(select)}: "${short(text, 50)}" needs ${Math.round(need)} px, has ${Math.round(room)} px`);
    }
    // (h) The headings' sizes follow their ranks: no visible heading is set larger than a visible
    // heading of a higher rank (the call page's title was smaller than its side columns').
    // Headings only for screen readers (clipped to a pixel) do not count.
    const headings = Array.from(document.querySelectorAll('h1, h2, h3, h4'))
      .filter((h) => h.checkVisibility({ visibilityProperty: true } as any) && h.getBoundingClientRect().width > 1)
      .map((h) => ({ h, rank: Number(h.tagName[1]), size: parseFloat(getComputedStyle(h).fontSize) }));
    for (const lower of headings) {
      const higher = headings.find((o) => o.rank < lower.rank && lower.size > o.size + 0.5);
      if (higher) {
        problems.push(`heading-size: ${describe(lower.h)} "${short(lower.h.textContent ?? '', 30)}" is ${lower.size} px, larger than ${describe(higher.h)} "${short(higher.h.textContent ?? '', 30)}" (${higher.size} px)`);
      }
    }
    return problems;
  }
}

/**
 * Records the page's layout shifts from its first paint (Chromium's Layout Instability API;
 * Firefox has none): add to a browser context before its pages open, read with
 * [`layoutShiftProblems`]. Shifts right after the reader's own input do not count (the API
 * marks them), as in Core Web Vitals.
 */
export const recordLayoutShifts = () => {
  const w = window as any;
  w.__layoutShifts = [];
  const describe = (el: Element | null): string => {
    if (!el) return '?';
    const id = el.id ? `#${el.id}` : '';
    const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
    return `${el.tagName.toLowerCase()}${id}${cls}`;
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as any[]) {
      if (entry.hadRecentInput) continue;
      const sources = (entry.sources ?? []).map((s: any) => describe(s.node instanceof Element ? s.node : s.node?.parentElement ?? null));
      w.__layoutShifts.push({ at: entry.startTime, value: entry.value, sources });
    }
  }).observe({ type: 'layout-shift', buffered: true });
};

/** The largest cumulative layout shift a reader may meet (Core Web Vitals' "good"). */
export const MAX_LAYOUT_SHIFT = 0.1;

/**
 * `layout-shift` defects of the page so far: the cumulative layout shift as Core Web Vitals
 * count it (the worst session window: shifts less than 1 s apart, at most 5 s long) above
 * [`MAX_LAYOUT_SHIFT`], with the elements that moved most. Empty when the context does not
 * record shifts (see [`recordLayoutShifts`]). `since` (the page's `performance.now()`): only
 * the shifts from then on, for a page that changed into a new state of its own.
 */
export async function layoutShiftProblems(page: Page, since = 0): Promise<string[]> {
  const shifts: { at: number; value: number; sources: string[] }[] = (await page.evaluate(() => (window as any).__layoutShifts ?? []))
    .filter((s: { at: number }) => s.at >= since);
  let worst = { value: 0, shifts: [] as typeof shifts };
  let current = { value: 0, shifts: [] as typeof shifts };
  for (const shift of shifts) {
    const first = current.shifts[0];
    const last = current.shifts[current.shifts.length - 1];
    if (first && (shift.at - last.at > 1000 || shift.at - first.at > 5000)) current = { value: 0, shifts: [] };
    current.value += shift.value;
    current.shifts.push(shift);
    if (current.value > worst.value) worst = { value: current.value, shifts: [...current.shifts] };
  }
  if (worst.value <= MAX_LAYOUT_SHIFT) return [];
  const moved = new Map<string, number>();
  for (const s of worst.shifts) for (const source of s.sources) moved.set(source, (moved.get(source) ?? 0) + s.value);
  const top = [...moved.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([el]) => el);
  return [`layout-shift: ${worst.value.toFixed(3)} > ${MAX_LAYOUT_SHIFT} (${worst.shifts.length} shifts; moved: ${top.join(', ')})`];
}

/**
 * Controls a reader can press on a page whose code has not run (yet): a visible, enabled
 * button that only works through the page's code — `type="button"`, or a submit button
 * outside a form or in a form without `action` (it would post the page to itself). Pressed
 * before the code runs, such a button does nothing (on a slow phone for seconds). Each entry
 * names one: `type "label"`.
 */
export async function controlsThatNeedCode(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const control of document.querySelectorAll<HTMLButtonElement | HTMLInputElement>(
      'button, input[type=button], input[type=submit], input[type=reset]',
    )) {
      if (control.disabled || !control.checkVisibility({ visibilityProperty: true } as any)) continue;
      const type = control.type;
      const form = control.form;
      const dead = type === 'button' || (type === 'submit' && (!form || !form.hasAttribute('action')));
      if (!dead) continue;
      const label = (control.getAttribute('aria-label') ?? control.textContent ?? control.value ?? '').trim().replace(/\s+/g, ' ');
      found.push(`${type} "${label}"`);
    }
    return found;
  });
}
