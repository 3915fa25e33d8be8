import { memo, useEffect, useRef } from 'react';
import type { FoldRow, FoldStory } from './inspectorMath';
import { Num } from './Num';
import { Tex } from './Tex';

/** One unit's row; memoized so that moving the current unit re-renders two rows, not a layer of up to 512. */
const FoldTableRow = memo(function FoldTableRow({ row, current }: { row: FoldRow; current: boolean }) {
  return (
    <tr data-unit={row.unit} className={current ? 'inspector-row-current' : undefined} aria-current={current ? 'true' : undefined}>
      <th scope="row">{row.unit + 1}</th>
      <td>
        <Num v={row.scale} />
      </td>
      <td>
        <Num v={row.shift} />
      </td>
      <td>
        <Num v={row.runningMean} />
      </td>
      <td>
        <Num v={row.runningVariance} />
      </td>
    </tr>
  );
});

/**
 * Every unit of the layer folded for inference: its running statistics, its scale s and its shift (b′ or t), the
 * unit shown in the equations highlighted and scrolled into the table's own box.
 */
export function FoldTable({ rows, unit, story, layer, step }: { rows: readonly FoldRow[]; unit: number; story: FoldStory; layer: number; step: number | null }) {
  const wrapRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const wrap = wrapRef.current;
    const tr = wrap?.querySelector<HTMLTableRowElement>(`tr[data-unit="${unit}"]`);
    if (!wrap || !tr) return;
    // Only the table's box scrolls (scrollIntoView would move the page too); the sticky header covers its top.
    const header = wrap.querySelector('thead')?.getBoundingClientRect().height ?? 0;
    const top = tr.offsetTop - header;
    const bottom = tr.offsetTop + tr.offsetHeight - wrap.clientHeight;
    if (wrap.scrollTop > top) wrap.scrollTop = top;
    else if (wrap.scrollTop < bottom) wrap.scrollTop = bottom;
  }, [unit, rows.length]);
  // s and the shift first: on a narrow view the running statistics they come from (also in the scatters) scroll.
  const columns: { tex: string; text: string; title: string }[] = [
    { tex: 's', text: 's, the folded scale', title: 's = γ/√(σ²_run + ε)' },
    { tex: story.shiftName, text: `${story.shiftText}, the ${story.shiftName === 't' ? 'shift' : 'folded bias'}`, title: `${story.shiftText} = β − μ_run·s` },
    { tex: '\\mu_{\\text{run}}', text: 'running mean', title: 'running mean' },
    { tex: '\\sigma^2_{\\text{run}}', text: 'running variance', title: 'running variance (unbiased)' },
  ];
  return (
    <div className="inspector-table-wrap" tabIndex={0} role="region" aria-label={`Every unit of layer ${layer + 1} folded for inference`} ref={wrapRef}>
      <table className="inspector-table">
        <caption className="visually-hidden">
          The folded scale s, {story.shiftName === 't' ? 'shift t' : 'folded bias b′'} and running statistics of each of the {rows.length} units of layer {layer + 1}
          {step !== null ? ` at step ${step}` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col" title="unit">
              <span aria-hidden="true">
                <Tex tex="k" />
              </span>
              <span className="visually-hidden">unit</span>
            </th>
            {columns.map((c) => (
              <th scope="col" key={c.text} title={c.title}>
                <span aria-hidden="true">
                  <Tex tex={c.tex} />
                </span>
                <span className="visually-hidden">{c.text}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <FoldTableRow key={r.unit} row={r} current={r.unit === unit} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
