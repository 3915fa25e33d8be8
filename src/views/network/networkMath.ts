import type { ArmInfo, LayerInfo } from '../../worker/protocol';
import type { Activation, NormKind, Placement } from '../../config/schema';

/**
 * The math of the network diagram: labels, parameter counts and a layout that fits the arms' architecture
 * into a given width, wrapping deep nets onto several lines of layers. Pure: no React, no DOM. Text widths are
 * estimated (≈ 7 px per character at 12 px), which is enough to size boxes that never clip their labels.
 */

export const CHAR_WIDTH = 7;
/** The arm names' characters: larger and bolder than the blocks' (13 px semibold, .net-name in network.css). */
const NAME_CHAR_WIDTH = 8.5;
export const BOX_HEIGHT = 26;
export const ROW_PITCH = 36;
export const HEADER_HEIGHT = 20;
export const SEGMENT_GAP = 18;
/** Horizontal room for an arrow between two blocks. */
export const ARROW = 18;
/** Room between blocks inside one layer group. */
const INNER_GAP = 14;
const GROUP_PAD = 7;
/** Scale the diagram down this far before wrapping it onto another line. */
const MIN_SCALE_BEFORE_WRAP = 0.85;

/** "784", "28×28×1", "2". */
export function shapeLabel(shape: readonly number[]): string {
  return shape.length ? shape.join('×') : '?';
}

/** "dense 100", or "conv 3×3·16" with " /2" for a stride-2 convolution. */
export function layerLabel(layer: LayerInfo): string {
  if (layer.kind === 'dense') return `dense ${layer.units}`;
  return `conv 3×3·${layer.units}${layer.stride === 2 ? ' /2' : ''}`;
}

export function normLabel(norm: NormKind): string | null {
  switch (norm) {
    case 'none':
      return null;
    case 'batch':
      return 'BN';
    case 'layer':
      return 'LN';
    case 'group':
      return 'GN';
  }
}

export function activationLabel(activation: Activation): string {
  switch (activation) {
    case 'sigmoid':
      return 'σ';
    case 'tanh':
      return 'tanh';
    case 'relu':
      return 'ReLU';
  }
}

export function outputLabel(numClasses: number): string {
  return `softmax ${numClasses}`;
}

export interface LayerParams {
  weight: number;
  bias: number;
  /** γ and β of the normalization (0 without one, or without the affine transform). */
  norm: number;
  total: number;
}

const size = (shape: readonly number[]) => shape.reduce((p, v) => p * v, 1);

/**
 * The trainable parameters of hidden layer j of an arm, counted from the tensors the engine built (so the view
 * cannot drift from what trains): W, b (absent where batch norm before the nonlinearity makes it redundant), and
 * γ and β of the normalization (absent without one or without the affine transform).
 */
export function layerParams(arm: Pick<ArmInfo, 'params'>, j: number): LayerParams {
  const count = { weight: 0, bias: 0, norm: 0 };
  for (const p of arm.params) {
    if (p.layer !== j) continue;
    if (p.role === 'weight') count.weight += size(p.shape);
    else if (p.role === 'bias') count.bias += size(p.shape);
    else count.norm += size(p.shape);
  }
  return { ...count, total: count.weight + count.bias + count.norm };
}

export type BlockKind = 'input' | 'layer' | 'norm' | 'act' | 'output' | 'more';

export interface Block {
  arm: number;
  kind: BlockKind;
  label: string;
  /** The hidden layer the block belongs to (layer, norm and act blocks). */
  layer?: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Arrow {
  x1: number;
  x2: number;
  y: number;
}

/** The clickable area of one hidden layer: its column, spanning every arm's row and the header. */
export interface Column {
  layer: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface RowName {
  arm: number;
  label: string;
  /** True when `label` had to be shortened. */
  truncated: boolean;
  y: number;
}

export interface NetworkLayout {
  /** Natural size (the SVG's viewBox) and the scale that fits it into the width asked for. */
  width: number;
  height: number;
  scale: number;
  nameWidth: number;
  /** Hidden layers per line of the diagram. */
  perLine: number;
  lines: number;
  blocks: Block[];
  arrows: Arrow[];
  columns: Column[];
  names: RowName[];
}

export interface NetworkSpec {
  arms: readonly Pick<ArmInfo, 'name' | 'norm' | 'placement'>[];
  layers: readonly LayerInfo[];
  inputShape: readonly number[];
  numClasses: number;
  activation: Activation;
}

export function textWidth(label: string, min = 0): number {
  return Math.max(min, Math.ceil([...label].length * CHAR_WIDTH) + 16);
}

/** Shortens a name to fit `chars` characters, with an ellipsis. */
export function truncate(label: string, chars: number): { label: string; truncated: boolean } {
  const c = [...label];
  if (c.length <= chars) return { label, truncated: false };
  return { label: c.slice(0, Math.max(1, chars - 1)).join('') + '…', truncated: true };
}

/** The blocks of one arm's hidden layer in order: normalization before or after the nonlinearity, or none. */
export function groupOrder(norm: NormKind, placement: Placement): ('layer' | 'norm' | 'act')[] {
  if (normLabel(norm) === null) return ['layer', 'act'];
  return placement === 'after' ? ['layer', 'act', 'norm'] : ['layer', 'norm', 'act'];
}

/**
 * Lays the arms out as rows, hidden layers as columns aligned across arms (a layer is one column to click), the
 * normalization in its own slot so that a plain arm shows a gap where the others normalize. When the diagram is
 * wider than `width` it first shrinks a little, then wraps onto balanced lines of layers (8 layers: 4 + 4).
 */
export function layoutNetwork(spec: NetworkSpec, width: number): NetworkLayout {
  const n = spec.layers.length;
  const armCount = spec.arms.length;
  const longestName = spec.arms.reduce((m, a) => Math.max(m, [...a.name].length), 1);
  const nameWidth = Math.min(130, Math.max(48, Math.ceil(longestName * NAME_CHAR_WIDTH) + 14));
  const nameChars = Math.floor((nameWidth - 14) / NAME_CHAR_WIDTH);

  const inputText = shapeLabel(spec.inputShape);
  const outputText = outputLabel(spec.numClasses);
  const actText = activationLabel(spec.activation);
  const inputW = textWidth(inputText, 44);
  const outputW = textWidth(outputText, 60);
  const layerW = spec.layers.reduce((m, l) => Math.max(m, textWidth(layerLabel(l), 64)), 64);
  const normTexts = spec.arms.map((a) => normLabel(a.norm)).filter((t): t is string => t !== null);
  const anyNorm = normTexts.length > 0;
  const slotW = Math.max(textWidth(actText, 34), ...normTexts.map((t) => textWidth(t, 34)));
  const slots = anyNorm ? 2 : 1;
  const groupW = GROUP_PAD * 2 + layerW + slots * (INNER_GAP + slotW);

  const naturalWidth = (k: number) => nameWidth + inputW + ARROW + k * groupW + (k - 1) * ARROW + ARROW + outputW + 2;
  let perLine = 1;
  for (let k = Math.max(1, n); k >= 1; k--) {
    if (naturalWidth(k) * MIN_SCALE_BEFORE_WRAP <= width || k === 1) {
      perLine = k;
      break;
    }
  }
  const lines = Math.max(1, Math.ceil(n / perLine));
  perLine = Math.max(1, Math.ceil(n / lines));
  const W = naturalWidth(perLine);
  const lineHeight = HEADER_HEIGHT + Math.max(1, armCount) * ROW_PITCH;
  const H = lines * lineHeight + (lines - 1) * SEGMENT_GAP + 2;
  const scale = width > 0 ? Math.min(1, width / W) : 1;

  const blocks: Block[] = [];
  const arrows: Arrow[] = [];
  const columns: Column[] = [];
  const names: RowName[] = [];
  const firstGroupX = nameWidth + inputW + ARROW;
  const groupX = (c: number) => firstGroupX + c * (groupW + ARROW);

  for (let line = 0; line < lines; line++) {
    const top = line * (lineHeight + SEGMENT_GAP);
    const layerIds = Array.from({ length: Math.min(perLine, n - line * perLine) }, (_, c) => line * perLine + c);
    layerIds.forEach((j, c) => columns.push({ layer: j, x: groupX(c), y: top, width: groupW, height: lineHeight }));

    spec.arms.forEach((arm, a) => {
      const rowTop = top + HEADER_HEIGHT + a * ROW_PITCH + (ROW_PITCH - BOX_HEIGHT) / 2;
      const cy = rowTop + BOX_HEIGHT / 2;
      const t = truncate(arm.name, nameChars);
      names.push({ arm: a, label: t.label, truncated: t.truncated, y: cy });
      const row: Block[] = [];
      const box = (kind: BlockKind, label: string, x: number, w: number, layer?: number): Block => ({
        arm: a,
        kind,
        label,
        x,
        y: rowTop,
        width: w,
        height: BOX_HEIGHT,
        ...(layer === undefined ? {} : { layer }),
      });
      // Where the row starts: the input, or a continuation mark on later lines.
      row.push(line === 0 ? box('input', inputText, nameWidth, inputW) : box('more', '⋯', nameWidth + inputW - 24, 24));
      const order = groupOrder(arm.norm, arm.placement);
      layerIds.forEach((j, c) => {
        const gx = groupX(c) + GROUP_PAD;
        const slotX = (s: number) => gx + layerW + INNER_GAP + s * (slotW + INNER_GAP);
        row.push(box('layer', layerLabel(spec.layers[j]!), gx, layerW, j));
        if (order.length === 3) {
          row.push(box(order[1]!, order[1] === 'norm' ? normLabel(arm.norm)! : actText, slotX(0), slotW, j));
          row.push(box(order[2]!, order[2] === 'norm' ? normLabel(arm.norm)! : actText, slotX(1), slotW, j));
        } else {
          // A plain arm keeps the slot where the others normalize empty, so the columns line up.
          const actSlot = anyNorm && arm.placement !== 'after' ? 1 : 0;
          row.push(box('act', actText, slotX(actSlot), slotW, j));
        }
      });
      const lastX = groupX(layerIds.length - 1) + groupW + ARROW;
      row.push(line === lines - 1 ? box('output', outputText, lastX, outputW) : box('more', '⋯', lastX, 24));
      for (let b = 1; b < row.length; b++) arrows.push({ x1: row[b - 1]!.x + row[b - 1]!.width, x2: row[b]!.x, y: cy });
      blocks.push(...row);
    });
  }
  return { width: W, height: H, scale, nameWidth, perLine, lines, blocks, arrows, columns, names };
}
