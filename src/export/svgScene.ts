/**
 * A figure as a flat list of positioned primitives in CSS pixels (boxes, words, nested SVG, bitmaps), and its
 * serialisation as one standalone SVG document: every colour and font already resolved, nothing that depends on
 * the page's stylesheets or custom properties. The capture from the DOM is in figureCapture.ts; this part is pure.
 */

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FontSpec {
  family: string;
  /** CSS pixels. */
  size: number;
  weight: string;
  style: string;
}

interface Common {
  /** Index into Scene.clips: the item is cut to that box (an ancestor with overflow hidden). */
  clip?: number;
  /** Multiplied opacity of the item's ancestors, when below 1. */
  opacity?: number;
}

export type SceneItem =
  | (Common & Box & { kind: 'rect'; fill: string | null; stroke: string | null; strokeWidth: number; rx: number })
  | (Common & { kind: 'text'; words: { x: number; text: string }[]; y: number; font: FontSpec; fill: string; letterSpacing?: number; tabularNums?: boolean })
  | (Common & Box & { kind: 'image'; href: string; pixelated: boolean })
  | (Common & { kind: 'circle'; cx: number; cy: number; r: number; fill: string | null; stroke: string | null; strokeWidth: number })
  | (Common & { kind: 'path'; d: string; fill: string | null; stroke: string | null; strokeWidth: number })
  /** An <svg> element already serialised with its styles inlined; `x`, `y` place it. */
  | (Common & { kind: 'svg'; x: number; y: number; markup: string });

export interface Scene {
  width: number;
  height: number;
  /** The figure's title, for <title> (screen readers, file browsers). */
  title: string;
  /** Optional @font-face rules (with data: URLs) for web fonts the figure's text uses. */
  fontFaces?: string;
  clips: Box[];
  items: SceneItem[];
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Coordinates to 2 decimals: sub-pixel positions matter for text, more digits only weigh. */
export function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function paint(fill: string | null, stroke: string | null, strokeWidth: number): string {
  const parts = [`fill="${escapeXml(fill ?? 'none')}"`];
  if (stroke && strokeWidth > 0) parts.push(`stroke="${escapeXml(stroke)}"`, `stroke-width="${num(strokeWidth)}"`);
  return parts.join(' ');
}

function itemMarkup(item: SceneItem): string {
  switch (item.kind) {
    case 'rect': {
      const rx = item.rx > 0 ? ` rx="${num(item.rx)}"` : '';
      return `<rect x="${num(item.x)}" y="${num(item.y)}" width="${num(item.width)}" height="${num(item.height)}"${rx} ${paint(item.fill, item.stroke, item.strokeWidth)}/>`;
    }
    case 'circle':
      return `<circle cx="${num(item.cx)}" cy="${num(item.cy)}" r="${num(item.r)}" ${paint(item.fill, item.stroke, item.strokeWidth)}/>`;
    case 'path':
      return `<path d="${escapeXml(item.d)}" ${paint(item.fill, item.stroke, item.strokeWidth)} stroke-linecap="round" stroke-linejoin="round"/>`;
    case 'image': {
      const rendering = item.pixelated ? ' style="image-rendering: pixelated"' : '';
      return `<image x="${num(item.x)}" y="${num(item.y)}" width="${num(item.width)}" height="${num(item.height)}" preserveAspectRatio="none"${rendering} xlink:href="${escapeXml(item.href)}"/>`;
    }
    case 'svg':
      return item.markup;
    case 'text': {
      const f = item.font;
      const attrs = [
        `y="${num(item.y)}"`,
        `font-family="${escapeXml(f.family)}"`,
        `font-size="${num(f.size)}"`,
        f.weight !== '400' && f.weight !== 'normal' ? `font-weight="${escapeXml(f.weight)}"` : '',
        f.style !== 'normal' ? `font-style="${escapeXml(f.style)}"` : '',
        `fill="${escapeXml(item.fill)}"`,
        item.letterSpacing ? `letter-spacing="${num(item.letterSpacing)}"` : '',
        item.tabularNums ? 'style="font-variant-numeric: tabular-nums"' : '',
      ].filter(Boolean);
      // One tspan per word at the x the browser laid it out at, so the line matches the page even where the
      // SVG renderer would space words differently.
      const words = item.words.map((w) => `<tspan x="${num(w.x)}">${escapeXml(w.text)}</tspan>`).join(' ');
      return `<text xml:space="preserve" ${attrs.join(' ')}>${words}</text>`;
    }
  }
}

export interface SvgOptions {
  /** Output size multiplier (the drawing keeps its CSS-pixel coordinates through the viewBox). */
  scale?: number;
}

/** The scene as a standalone SVG document. */
export function sceneToSvg(scene: Scene, opts: SvgOptions = {}): string {
  const scale = opts.scale ?? 1;
  const w = scene.width;
  const h = scene.height;
  const defs: string[] = [];
  if (scene.fontFaces) defs.push(`<style>${scene.fontFaces.replace(/<\/?style/gi, '')}</style>`);
  scene.clips.forEach((c, i) => defs.push(`<clipPath id="bnx-clip-${i}"><rect x="${num(c.x)}" y="${num(c.y)}" width="${num(c.width)}" height="${num(c.height)}"/></clipPath>`));
  const body = scene.items.map((item) => {
    const markup = itemMarkup(item);
    const attrs = [
      item.clip !== undefined ? `clip-path="url(#bnx-clip-${item.clip})"` : '',
      item.opacity !== undefined && item.opacity < 1 ? `opacity="${num(item.opacity)}"` : '',
    ].filter(Boolean);
    return attrs.length ? `<g ${attrs.join(' ')}>${markup}</g>` : markup;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" width="${num(w * scale)}" height="${num(h * scale)}" viewBox="0 0 ${num(w)} ${num(h)}">`,
    `<title>${escapeXml(scene.title)}</title>`,
    defs.length ? `<defs>${defs.join('')}</defs>` : '',
    ...body,
    '</svg>',
    '',
  ]
    .filter((l) => l !== '')
    .join('\n');
}

/** Whether two boxes are the same to within a hundredth of a pixel (for sharing clip paths). */
export function sameBox(a: Box, b: Box): boolean {
  return Math.abs(a.x - b.x) < 0.01 && Math.abs(a.y - b.y) < 0.01 && Math.abs(a.width - b.width) < 0.01 && Math.abs(a.height - b.height) < 0.01;
}

export function intersect(a: Box, b: Box): Box {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  return { x, y, width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - x), height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - y) };
}

/**
 * Words of one text node grouped into lines by their boxes: a new line wherever a word's top moves by more
 * than half its height or it starts left of the previous word's start.
 */
export function groupLines<T extends { text: string; box: Box }>(words: readonly T[]): T[][] {
  const lines: T[][] = [];
  for (const w of words) {
    const line = lines[lines.length - 1];
    const prev = line?.[line.length - 1];
    if (prev && Math.abs(w.box.y - prev.box.y) < prev.box.height / 2 && w.box.x >= prev.box.x) line!.push(w);
    else lines.push([w]);
  }
  return lines;
}

/** A CSS colour is drawn at all: not 'transparent', not an rgba with alpha 0. */
export function isVisibleColor(c: string | null | undefined): c is string {
  if (!c || c === 'transparent' || c === 'none') return false;
  const m = /^rgba?\(([^)]*)\)$/.exec(c.trim());
  if (!m) return true;
  const parts = m[1]!.split(/[\s,/]+/).filter(Boolean);
  return parts.length < 4 || parseFloat(parts[3]!) > 0;
}
