import { VIEW_NAMES, type ViewName } from '../../config/link';

/** More views than this are not legible on one projected screen: the picker offers four at most. */
export const MAX_PROJECTED_VIEWS = 4;

/** What projector mode shows when the teacher has not picked: Ioffe & Szegedy's Figure 1, curves and bands. */
export const DEFAULT_PROJECTOR_VIEWS: readonly ViewName[] = ['convergence', 'distributions'];

/** Each view's title, as its figure names it. */
export const VIEW_TITLES: Record<ViewName, string> = {
  convergence: 'Convergence',
  distributions: 'Activation distributions',
  boundary: 'Decision boundary',
  network: 'Network',
  ics: 'Internal covariate shift',
  inspector: 'Inside batch norm',
  landscape: 'Loss landscape',
  sweep: 'Sweep',
  rnn: 'Recurrent net',
  gan: 'GAN on a ring',
};

/** Views whose content needs the screen's width (three charts in a row; equations beside their tables). */
const WIDE: ReadonlySet<ViewName> = new Set<ViewName>(['ics', 'inspector', 'landscape', 'sweep', 'rnn']);

export interface ProjectorCell {
  view: ViewName;
  /** 1-based CSS grid lines. */
  row: number;
  column: number;
  span: number;
}

export interface ProjectorGrid {
  /** grid-template-columns. */
  columns: string;
  /** grid-template-rows: the network diagram's row is as tall as the diagram, the others share the rest. */
  rows: string;
  cells: ProjectorCell[];
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number) => (a * b) / gcd(a, b);

/**
 * Arranges the chosen views to fill one screen (1280×720) with nothing to scroll. Rows split the height, so there
 * are as few as can be: one or two views side by side at full height (a wide view, internal covariate shift or
 * inside batch norm, taking three fifths of the width beside a chart); three as two over one, the wide one
 * below; four as 2 × 2; five as three over two. The network diagram gets a row of its own at the top, as tall as it
 * needs.
 */
export function projectorGrid(views: readonly ViewName[]): ProjectorGrid {
  const chosen = VIEW_NAMES.filter((v) => views.includes(v));
  const panels = chosen.filter((v) => v !== 'network');
  const wide = panels.filter((v) => WIDE.has(v));
  const narrow = panels.filter((v) => !WIDE.has(v));
  let rows: ViewName[][];
  if (panels.length <= 2) rows = [panels];
  else if (panels.length === 3) rows = wide.length <= 1 ? [narrow.slice(0, 2), [...narrow.slice(2), ...wide]] : [[narrow[0]!, wide[0]!], [wide[1]!]];
  else if (panels.length === 4) rows = [panels.slice(0, 2), panels.slice(2)];
  else rows = [panels.slice(0, 3), panels.slice(3)];
  rows = rows.filter((r) => r.length > 0);
  const all = chosen.includes('network') ? [['network' as ViewName], ...rows] : rows;
  const rowTemplate = all.map((r) => (r[0] === 'network' ? 'auto' : 'minmax(0, 1fr)')).join(' ');
  // A chart beside a wide view: the wide one gets 3 of 5 parts of the width.
  if (all.length === 1 && panels.length === 2 && wide.length === 1) {
    return {
      columns: 'minmax(0, 2fr) minmax(0, 3fr)',
      rows: rowTemplate,
      cells: [...narrow, ...wide].map((view, j) => ({ view, row: 1, column: j + 1, span: 1 })),
    };
  }
  const tracks = all.reduce((c, r) => lcm(c, r.length), 1);
  const cells = all.flatMap((r, i) => r.map((view, j) => ({ view, row: i + 1, column: j * (tracks / r.length) + 1, span: tracks / r.length })));
  return { columns: `repeat(${tracks}, minmax(0, 1fr))`, rows: rowTemplate, cells };
}
