import { groupLines, intersect, isVisibleColor, sameBox, type Box, type FontSpec, type Scene, type SceneItem } from './svgScene';

/**
 * Turns a rendered figure into a Scene: what the reader sees, at the size and place it has on the page, in the
 * current theme. Every colour and font comes from getComputedStyle, so CSS custom properties, the theme and the
 * views' stylesheets are resolved into plain values; nested <svg> elements are copied with their computed styles
 * inlined; <canvas> pixels become data: URLs. HTML text is placed word by word where the browser laid it out.
 *
 * Browser only. Interactive chrome that is not part of the figure (the export button, hover tooltips) carries
 * `data-export-skip` or is a tooltip, and is left out.
 */

const SKIP_SELECTOR = '[data-export-skip], .view-tooltip, [role="tooltip"]';

/** SVG presentation properties worth inlining; the inherited ones are written only where they change. */
const SVG_INHERITED = [
  'fill',
  'fill-opacity',
  'fill-rule',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-dashoffset',
  'stroke-linecap',
  'stroke-linejoin',
  'stroke-miterlimit',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'font-variant-numeric',
  'letter-spacing',
  'text-anchor',
  'dominant-baseline',
  'paint-order',
  'visibility',
  'shape-rendering',
  'text-rendering',
  'image-rendering',
  'color',
] as const;

/** Not inherited: written when they differ from their initial value. */
const SVG_OWN: Record<string, string[]> = {
  opacity: ['1'],
  'baseline-shift': ['0px', 'baseline'],
  'stop-color': ['rgb(0, 0, 0)'],
  'stop-opacity': ['1'],
  'mix-blend-mode': ['normal'],
  'vector-effect': ['none'],
};

/** Attributes that only matter to the live page (focus, ARIA state, React's markers). */
const DROPPED_ATTRIBUTES = ['tabindex', 'aria-pressed', 'aria-hidden', 'data-testid'];

interface Context {
  origin: DOMRect;
  scene: Scene;
  clip: number | undefined;
  opacity: number;
}

const px = (v: string) => parseFloat(v) || 0;

function toBox(r: DOMRect, origin: DOMRect): Box {
  return { x: r.left - origin.left, y: r.top - origin.top, width: r.width, height: r.height };
}

function addClip(scene: Scene, box: Box, current: number | undefined): number {
  const clipped = current === undefined ? box : intersect(scene.clips[current]!, box);
  const found = scene.clips.findIndex((c) => sameBox(c, clipped));
  if (found >= 0) return found;
  scene.clips.push(clipped);
  return scene.clips.length - 1;
}

function push(ctx: Context, item: SceneItem): void {
  if (ctx.clip !== undefined) item.clip = ctx.clip;
  if (ctx.opacity < 1) item.opacity = ctx.opacity;
  ctx.scene.items.push(item);
}

/** Screen-reader-only text: a 1-pixel box clipped away. */
function isVisuallyHidden(el: Element, cs: CSSStyleDeclaration): boolean {
  const r = el.getBoundingClientRect();
  return r.width <= 1 && r.height <= 1 && (cs.overflow === 'hidden' || cs.clip !== 'auto' || cs.clipPath !== 'none');
}

function radius(cs: CSSStyleDeclaration, box: Box): number {
  const r = cs.borderTopLeftRadius;
  return r.endsWith('%') ? (parseFloat(r) / 100) * Math.min(box.width, box.height) : px(r);
}

/** Background and border of an HTML box. */
function drawBox(el: Element, cs: CSSStyleDeclaration, ctx: Context): void {
  const box = toBox(el.getBoundingClientRect(), ctx.origin);
  if (box.width <= 0 || box.height <= 0) return;
  const rx = radius(cs, box);
  const sides = (['Top', 'Right', 'Bottom', 'Left'] as const).map((s) => ({
    side: s,
    width: cs.getPropertyValue(`border-${s.toLowerCase()}-style`) === 'none' ? 0 : px(cs.getPropertyValue(`border-${s.toLowerCase()}-width`)),
    color: cs.getPropertyValue(`border-${s.toLowerCase()}-color`),
  }));
  const bg = cs.backgroundColor;
  const uniform = sides.every((s) => s.width === sides[0]!.width && s.color === sides[0]!.color) && sides[0]!.width > 0 && isVisibleColor(sides[0]!.color);
  if (uniform) {
    const bw = sides[0]!.width;
    push(ctx, {
      kind: 'rect',
      x: box.x + bw / 2,
      y: box.y + bw / 2,
      width: box.width - bw,
      height: box.height - bw,
      rx: Math.max(0, rx - bw / 2),
      fill: isVisibleColor(bg) ? bg : null,
      stroke: sides[0]!.color,
      strokeWidth: bw,
    });
    return;
  }
  if (isVisibleColor(bg)) push(ctx, { kind: 'rect', ...box, rx, fill: bg, stroke: null, strokeWidth: 0 });
  // Single borders (table rules, KaTeX's fraction bars) as thin filled strips.
  for (const s of sides) {
    if (s.width <= 0 || !isVisibleColor(s.color)) continue;
    const strip =
      s.side === 'Top'
        ? { x: box.x, y: box.y, width: box.width, height: s.width }
        : s.side === 'Bottom'
          ? { x: box.x, y: box.y + box.height - s.width, width: box.width, height: s.width }
          : s.side === 'Left'
            ? { x: box.x, y: box.y, width: s.width, height: box.height }
            : { x: box.x + box.width - s.width, y: box.y, width: s.width, height: box.height };
    push(ctx, { kind: 'rect', ...strip, rx: 0, fill: s.color, stroke: null, strokeWidth: 0 });
  }
}

const metricsCache = new Map<string, number>();
let measureCtx: CanvasRenderingContext2D | null = null;

/** The font's ascent as a fraction of its content height, for putting the baseline inside a text box. */
function ascentRatio(font: string): number {
  const cached = metricsCache.get(font);
  if (cached !== undefined) return cached;
  measureCtx ??= document.createElement('canvas').getContext('2d');
  let ratio = 0.8;
  if (measureCtx) {
    measureCtx.font = font;
    const m = measureCtx.measureText('Hg');
    const a = m.fontBoundingBoxAscent;
    const d = m.fontBoundingBoxDescent;
    if (a > 0 && d >= 0) ratio = a / (a + d);
  }
  metricsCache.set(font, ratio);
  return ratio;
}

function transformText(text: string, transform: string): string {
  if (transform === 'uppercase') return text.toUpperCase();
  if (transform === 'lowercase') return text.toLowerCase();
  if (transform === 'capitalize') return text.replace(/\b\p{L}/gu, (c) => c.toUpperCase());
  return text;
}

/** A text node, word by word, grouped into lines at the positions the browser gave them. */
function drawText(node: Text, cs: CSSStyleDeclaration, ctx: Context): void {
  const data = node.data;
  if (!/\S/.test(data) || !isVisibleColor(cs.color)) return;
  const range = document.createRange();
  const words: { text: string; box: Box }[] = [];
  const rectOf = (start: number, end: number) => {
    range.setStart(node, start);
    range.setEnd(node, end);
    return Array.from(range.getClientRects()).filter((r) => r.width > 0 && r.height > 0);
  };
  for (const m of data.matchAll(/\S+/g)) {
    const rects = rectOf(m.index, m.index + m[0].length);
    if (rects.length === 1) {
      words.push({ text: transformText(m[0], cs.textTransform), box: toBox(rects[0]!, ctx.origin) });
      continue;
    }
    // A word broken over lines ("mini-" | "batch"): its pieces, character by character, each on its own line.
    let piece: { text: string; box: Box } | null = null;
    for (let i = 0; i < m[0].length; i++) {
      const r = rectOf(m.index + i, m.index + i + 1)[0];
      if (!r) continue;
      const box = toBox(r, ctx.origin);
      if (piece && Math.abs(box.y - piece.box.y) < box.height / 2) {
        piece.text += m[0][i];
        piece.box.width = box.x + box.width - piece.box.x;
      } else {
        if (piece) words.push({ ...piece, text: transformText(piece.text, cs.textTransform) });
        piece = { text: m[0][i]!, box };
      }
    }
    if (piece) words.push({ ...piece, text: transformText(piece.text, cs.textTransform) });
  }
  range.detach();
  if (!words.length) return;
  const font: FontSpec = { family: cs.fontFamily, size: px(cs.fontSize), weight: cs.fontWeight, style: cs.fontStyle };
  const ratio = ascentRatio(`${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`);
  const letterSpacing = cs.letterSpacing === 'normal' ? 0 : px(cs.letterSpacing);
  const tabularNums = cs.fontVariantNumeric.includes('tabular-nums');
  for (const line of groupLines(words)) {
    const first = line[0]!.box;
    push(ctx, {
      kind: 'text',
      words: line.map((w) => ({ x: w.box.x, text: w.text })),
      y: first.y + first.height * ratio,
      font,
      fill: cs.color,
      ...(letterSpacing ? { letterSpacing } : {}),
      ...(tabularNums ? { tabularNums } : {}),
    });
  }
}

/** Native form controls drawn as what they show: a checkbox's tick, a slider's position, a select's choice. */
function drawControl(el: HTMLInputElement | HTMLSelectElement, cs: CSSStyleDeclaration, ctx: Context): boolean {
  const box = toBox(el.getBoundingClientRect(), ctx.origin);
  const accent = cs.accentColor && cs.accentColor !== 'auto' ? cs.accentColor : cs.color;
  if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) {
    const size = Math.min(box.width, box.height) - 1;
    const x = box.x + (box.width - size) / 2;
    const y = box.y + (box.height - size) / 2;
    if (el.type === 'radio') {
      push(ctx, { kind: 'circle', cx: x + size / 2, cy: y + size / 2, r: size / 2 - 0.5, fill: el.checked ? accent : 'none', stroke: el.checked ? accent : cs.color, strokeWidth: 1 });
      if (el.checked) push(ctx, { kind: 'circle', cx: x + size / 2, cy: y + size / 2, r: size / 5, fill: '#ffffff', stroke: null, strokeWidth: 0 });
    } else {
      push(ctx, { kind: 'rect', x: x + 0.5, y: y + 0.5, width: size - 1, height: size - 1, rx: 2, fill: el.checked ? accent : 'none', stroke: el.checked ? accent : cs.color, strokeWidth: 1 });
      if (el.checked) {
        const d = `M${x + size * 0.22},${y + size * 0.52} L${x + size * 0.42},${y + size * 0.72} L${x + size * 0.78},${y + size * 0.3}`;
        push(ctx, { kind: 'path', d, fill: null, stroke: '#ffffff', strokeWidth: Math.max(1.5, size / 7) });
      }
    }
    return true;
  }
  if (el instanceof HTMLInputElement && el.type === 'range') {
    const min = Number(el.min || 0);
    const max = Number(el.max || 100);
    const f = max > min ? (Number(el.value) - min) / (max - min) : 0;
    const r = Math.min(8, box.height / 2);
    const cy = box.y + box.height / 2;
    const x0 = box.x + r;
    const x1 = box.x + box.width - r;
    const cx = x0 + f * (x1 - x0);
    push(ctx, { kind: 'rect', x: box.x + 1, y: cy - 2, width: box.width - 2, height: 4, rx: 2, fill: cs.color, stroke: null, strokeWidth: 0, opacity: 0.25 * ctx.opacity });
    push(ctx, { kind: 'rect', x: box.x + 1, y: cy - 2, width: Math.max(0, cx - box.x - 1), height: 4, rx: 2, fill: accent, stroke: null, strokeWidth: 0 });
    push(ctx, { kind: 'circle', cx, cy, r: r - 1, fill: accent, stroke: null, strokeWidth: 0 });
    return true;
  }
  if (el instanceof HTMLSelectElement || (el instanceof HTMLInputElement && ['text', 'number', 'search', ''].includes(el.type))) {
    drawBox(el, cs, ctx);
    const text = el instanceof HTMLSelectElement ? (el.selectedOptions[0]?.text ?? '') : el.value;
    const font: FontSpec = { family: cs.fontFamily, size: px(cs.fontSize), weight: cs.fontWeight, style: cs.fontStyle };
    const ratio = ascentRatio(`${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`);
    const lineHeight = font.size * 1.2;
    const y = box.y + (box.height - lineHeight) / 2 + lineHeight * ratio;
    if (text) push(ctx, { kind: 'text', words: [{ x: box.x + px(cs.borderLeftWidth) + px(cs.paddingLeft), text }], y, font, fill: cs.color });
    if (el instanceof HTMLSelectElement) {
      const ax = box.x + box.width - px(cs.paddingRight) - 10;
      const ay = box.y + box.height / 2;
      push(ctx, { kind: 'path', d: `M${ax},${ay - 2} L${ax + 4},${ay + 2} L${ax + 8},${ay - 2}`, fill: null, stroke: cs.color, strokeWidth: 1.3 });
    }
    return true;
  }
  return false;
}

/** A copy of an <svg> element with each element's computed presentation inlined, placed at its page position. */
function serializeSvg(svg: SVGSVGElement, ctx: Context): string {
  const rect = svg.getBoundingClientRect();
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...Array.from(svg.querySelectorAll('*'))];
  const copies = [clone, ...Array.from(clone.querySelectorAll('*'))];
  const written = new Map<Element, Map<string, string>>();
  originals.forEach((orig, i) => {
    const copy = copies[i]!;
    const cs = getComputedStyle(orig);
    if (cs.display === 'none') {
      copy.setAttribute('display', 'none');
      return;
    }
    const parentValues = orig === svg ? null : written.get(orig.parentElement as Element);
    const mine = new Map<string, string>();
    const decls: string[] = [];
    for (const prop of SVG_INHERITED) {
      const v = cs.getPropertyValue(prop);
      mine.set(prop, v);
      if (!v) continue;
      if (parentValues && parentValues.get(prop) === v) continue;
      decls.push(`${prop}: ${v}`);
    }
    for (const [prop, initial] of Object.entries(SVG_OWN)) {
      const v = cs.getPropertyValue(prop);
      if (v && !initial.includes(v)) decls.push(`${prop}: ${v}`);
    }
    written.set(orig, mine);
    if (decls.length) copy.setAttribute('style', decls.join('; '));
    else copy.removeAttribute('style');
    for (const a of DROPPED_ATTRIBUTES) copy.removeAttribute(a);
    if (copy.getAttribute('role') === 'button') copy.removeAttribute('role');
  });
  const box = toBox(rect, ctx.origin);
  clone.setAttribute('x', String(Math.round(box.x * 100) / 100));
  clone.setAttribute('y', String(Math.round(box.y * 100) / 100));
  clone.setAttribute('width', String(rect.width));
  clone.setAttribute('height', String(rect.height));
  if (getComputedStyle(svg).overflow === 'visible') clone.setAttribute('overflow', 'visible');
  return new XMLSerializer().serializeToString(clone);
}

function canvasHref(canvas: HTMLCanvasElement): string | null {
  try {
    return canvas.width > 0 && canvas.height > 0 ? canvas.toDataURL('image/png') : null;
  } catch {
    // A tainted canvas cannot be read; the views never draw foreign images, but stay safe.
    return null;
  }
}

function imageHref(img: HTMLImageElement): string | null {
  if (img.src.startsWith('data:')) return img.src;
  if (!img.complete || !img.naturalWidth) return null;
  const c = document.createElement('canvas');
  c.width = img.naturalWidth;
  c.height = img.naturalHeight;
  c.getContext('2d')?.drawImage(img, 0, 0);
  return canvasHref(c);
}

function walk(node: Node, ctx: Context): void {
  if (node.nodeType === Node.TEXT_NODE) {
    const parent = node.parentElement;
    if (parent) drawText(node as Text, getComputedStyle(parent), ctx);
    return;
  }
  if (!(node instanceof Element)) return;
  if (node.matches(SKIP_SELECTOR)) return;
  const cs = getComputedStyle(node);
  if (cs.display === 'none' || cs.visibility === 'hidden' || cs.visibility === 'collapse') return;
  if (isVisuallyHidden(node, cs)) return;
  const opacity = ctx.opacity * (parseFloat(cs.opacity) || (cs.opacity === '0' ? 0 : 1));
  if (opacity <= 0) return;
  const here: Context = { ...ctx, opacity };
  if (node instanceof SVGSVGElement) {
    const box = node.getBoundingClientRect();
    if (box.width > 0 && box.height > 0) push(here, { kind: 'svg', x: box.left - ctx.origin.left, y: box.top - ctx.origin.top, markup: serializeSvg(node, here) });
    return;
  }
  if (node instanceof HTMLCanvasElement || node instanceof HTMLImageElement) {
    const href = node instanceof HTMLCanvasElement ? canvasHref(node) : imageHref(node);
    if (href) push(here, { kind: 'image', ...toBox(node.getBoundingClientRect(), ctx.origin), href, pixelated: cs.imageRendering === 'pixelated' || cs.imageRendering === 'crisp-edges' });
    return;
  }
  if ((node instanceof HTMLInputElement || node instanceof HTMLSelectElement) && drawControl(node, cs, here)) return;
  if (node instanceof HTMLElement) drawBox(node, cs, here);
  let inner = here;
  if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') {
    inner = { ...here, clip: addClip(ctx.scene, toBox(node.getBoundingClientRect(), ctx.origin), ctx.clip) };
  }
  node.childNodes.forEach((child) => walk(child, inner));
}

const unquote = (s: string) => s.trim().replace(/^["']|["']$/g, '');
const weightOf = (w: string) => (w === 'normal' || !w ? '400' : w === 'bold' ? '700' : w);

/**
 * The page's @font-face rules for the web fonts (KaTeX's, in the formulas) that the scene's text is set in: only
 * the faces used (family, weight and style), each with its file inlined, so the SVG renders them anywhere.
 */
async function embeddedFontFaces(scene: Scene): Promise<string> {
  const used = new Set<string>();
  for (const item of scene.items) {
    if (item.kind !== 'text') continue;
    const first = unquote(item.font.family.split(',')[0] ?? '');
    used.add(`${first}|${weightOf(item.font.weight)}|${item.font.style}`);
  }
  const rules: CSSFontFaceRule[] = [];
  for (const sheet of Array.from(document.styleSheets)) {
    let list: CSSRuleList;
    try {
      list = sheet.cssRules;
    } catch {
      continue;
    }
    for (const rule of Array.from(list)) {
      if (!(rule instanceof CSSFontFaceRule)) continue;
      const s = rule.style;
      const key = `${unquote(s.getPropertyValue('font-family'))}|${weightOf(s.getPropertyValue('font-weight'))}|${s.getPropertyValue('font-style') || 'normal'}`;
      if (used.has(key)) rules.push(rule);
    }
  }
  const out = await Promise.all(
    rules.map(async (rule) => {
      const src = rule.style.getPropertyValue('src');
      // The first url() is the most compact format the stylesheet lists (woff2 for KaTeX).
      const m = /url\((["']?)([^"')]+)\1\)\s*format\((["']?)([^"')]+)\3\)/.exec(src) ?? /url\((["']?)([^"')]+)\1\)/.exec(src);
      if (!m) return '';
      try {
        const base = rule.parentStyleSheet?.href ?? document.baseURI;
        const res = await fetch(new URL(m[2]!, base));
        if (!res.ok) return '';
        const blob = await res.blob();
        const dataUrl = await new Promise<string>((resolve, reject) => {
          const reader = new FileReader();
          reader.onload = () => resolve(String(reader.result));
          reader.onerror = () => reject(reader.error ?? new Error('could not read the font'));
          reader.readAsDataURL(blob);
        });
        const format = m[4] ? ` format("${m[4]}")` : '';
        const s = rule.style;
        return `@font-face { font-family: ${s.getPropertyValue('font-family')}; font-style: ${s.getPropertyValue('font-style') || 'normal'}; font-weight: ${s.getPropertyValue('font-weight') || 'normal'}; src: url("${dataUrl}")${format}; }`;
      } catch {
        return '';
      }
    }),
  );
  return out.filter(Boolean).join('\n');
}

/** The figure as a scene, with the web fonts its text uses embedded. */
export async function captureFigure(figure: HTMLElement, title: string): Promise<Scene> {
  const origin = figure.getBoundingClientRect();
  const scene: Scene = { width: origin.width, height: origin.height, title, clips: [], items: [] };
  const cs = getComputedStyle(figure);
  // The figure's own panel; where it has no background, the page's, so the export is never see-through.
  const ctx: Context = { origin, scene, clip: undefined, opacity: 1 };
  if (!isVisibleColor(cs.backgroundColor)) {
    const page = getComputedStyle(document.body).backgroundColor;
    scene.items.push({ kind: 'rect', x: 0, y: 0, width: origin.width, height: origin.height, rx: 0, fill: isVisibleColor(page) ? page : '#ffffff', stroke: null, strokeWidth: 0 });
  }
  drawBox(figure, cs, ctx);
  figure.childNodes.forEach((child) => walk(child, ctx));
  const fontFaces = await embeddedFontFaces(scene);
  if (fontFaces) scene.fontFaces = fontFaces;
  return scene;
}
