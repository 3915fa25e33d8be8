import { describe, expect, it } from 'vitest';
import { groupLines, intersect, isVisibleColor, sceneToSvg, type Scene } from './svgScene';

const scene = (): Scene => ({
  width: 300.5,
  height: 200,
  title: 'Convergence <& "quotes">',
  clips: [{ x: 10, y: 10, width: 100, height: 50 }],
  items: [
    { kind: 'rect', x: 0.5, y: 0.5, width: 299.5, height: 199, rx: 7.5, fill: 'rgb(255, 255, 255)', stroke: 'rgb(216, 220, 227)', strokeWidth: 1 },
    {
      kind: 'text',
      words: [
        { x: 12, text: 'loss' },
        { x: 40.123, text: 'a<b&c' },
      ],
      y: 23.456,
      font: { family: 'system-ui, "Segoe UI", sans-serif', size: 13.72, weight: '650', style: 'normal' },
      fill: 'rgb(27, 30, 35)',
      clip: 0,
      tabularNums: true,
    },
    { kind: 'image', x: 20, y: 30, width: 96, height: 96, href: 'data:image/png;base64,AAAA', pixelated: false, opacity: 0.5 },
    { kind: 'svg', x: 0, y: 0, markup: '<svg xmlns="http://www.w3.org/2000/svg" x="0" y="0" width="10" height="10"/>' },
  ],
});

describe('sceneToSvg', () => {
  it('writes a standalone SVG: escaped text, resolved fonts, clips, bitmaps as data URLs', () => {
    const svg = sceneToSvg(scene());
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('width="300.5" height="200" viewBox="0 0 300.5 200"');
    expect(svg).toContain('<title>Convergence &lt;&amp; &quot;quotes&quot;&gt;</title>');
    expect(svg).toContain('<clipPath id="bnx-clip-0"><rect x="10" y="10" width="100" height="50"/></clipPath>');
    expect(svg).toContain(
      '<g clip-path="url(#bnx-clip-0)"><text xml:space="preserve" y="23.46" font-family="system-ui, &quot;Segoe UI&quot;, sans-serif" font-size="13.72" font-weight="650" fill="rgb(27, 30, 35)" style="font-variant-numeric: tabular-nums"><tspan x="12">loss</tspan> <tspan x="40.12">a&lt;b&amp;c</tspan></text></g>',
    );
    expect(svg).toContain('<g opacity="0.5"><image x="20" y="30" width="96" height="96" preserveAspectRatio="none" xlink:href="data:image/png;base64,AAAA"/></g>');
    expect(svg).toContain('<rect x="0.5" y="0.5" width="299.5" height="199" rx="7.5" fill="rgb(255, 255, 255)" stroke="rgb(216, 220, 227)" stroke-width="1"/>');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).not.toMatch(/var\(--/);
  });

  it('scales the output size, not the drawing, for the PNG', () => {
    expect(sceneToSvg(scene(), { scale: 2 })).toContain('width="601" height="400" viewBox="0 0 300.5 200"');
  });
});

describe('scene helpers', () => {
  it('groups words into lines by their boxes', () => {
    const w = (text: string, x: number, y: number) => ({ text, box: { x, y, width: 20, height: 14 } });
    const lines = groupLines([w('Batch', 10, 0), w('norm', 40, 0.4), w('reaches', 10, 18), w('a', 60, 18)]);
    expect(lines.map((l) => l.map((x) => x.text).join(' '))).toEqual(['Batch norm', 'reaches a']);
  });

  it('knows a transparent colour from a drawn one, and intersects boxes', () => {
    expect(isVisibleColor('rgba(0, 0, 0, 0)')).toBe(false);
    expect(isVisibleColor('transparent')).toBe(false);
    expect(isVisibleColor('rgb(255, 255, 255)')).toBe(true);
    expect(isVisibleColor('rgba(120, 130, 150, 0.12)')).toBe(true);
    expect(intersect({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 5, width: 10, height: 10 })).toEqual({ x: 5, y: 5, width: 5, height: 5 });
  });
});
