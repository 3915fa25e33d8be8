/**
 * Where a tooltip of size tipW × tipH goes in a box of boxW × boxH for a pointer at (px, py): right of the
 * pointer if it fits, else left of it, else pushed inside the box; vertically a little above the pointer,
 * kept inside the box.
 */
export function tooltipPosition(px: number, py: number, tipW: number, tipH: number, boxW: number, boxH: number, offset = 14): { left: number; top: number } {
  let left = px + offset;
  if (left + tipW > boxW) left = px - offset - tipW;
  if (left < 0) left = Math.max(0, boxW - tipW);
  const top = Math.max(0, Math.min(py - 24, boxH - tipH));
  return { left, top };
}
