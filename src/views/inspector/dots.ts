/**
 * Many dots of one radius as a single SVG path: two half-circle arcs per dot. A scatter of a layer's units redrawn
 * on every probe was one <circle> per unit, each probe setting two attributes on each (hundreds of DOM writes, then
 * as many objects to restyle and repaint); one path is one attribute and one object. Coordinates are rounded to a
 * hundredth of a pixel, which no screen can show, to keep the string short.
 */
export function dotsPath(points: readonly { x: number; y: number }[], x: (v: number) => number, y: (v: number) => number, r: number): string {
  const d = 2 * r;
  const round = (v: number) => Math.round(v * 100) / 100;
  const arcs = `a${r},${r} 0 1,0 ${d},0a${r},${r} 0 1,0 ${-d},0`;
  let out = '';
  for (const p of points) {
    const cx = x(p.x);
    const cy = y(p.y);
    // A value the scale cannot place draws nothing rather than a broken path.
    if (!Number.isFinite(cx) || !Number.isFinite(cy)) continue;
    out += `M${round(cx - r)},${round(cy)}${arcs}`;
  }
  return out;
}
