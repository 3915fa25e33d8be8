import { useMemo, useState, type ReactNode } from 'react';
import { useLab } from '../../store/context';
import { ViewFigure } from '../common/ViewFigure';
import { useSize } from '../common/useSize';
import { FitBox } from '../common/FitBox';
import type { PlotFit } from '../common/plotFit';
import { armColor } from '../common/palette';
import { ArmSwatch } from '../common/ArmSwatch';
import { StatScatter, type StatScatterProps } from './StatScatter';
import { Tex } from './Tex';
import { Num } from './Num';
import { FoldTable } from './FoldTable';
import {
  backwardTex,
  batchNormArms,
  foldRows,
  foldStory,
  foldTex,
  forwardTex,
  inspectionUnits,
  momentumConventions,
  besselFactor,
  formatNumber,
  DX_FORMULA_TEXT,
  SAMPLE_COLUMNS,
  SAMPLE_COLUMN_TEX,
  SAMPLE_COLUMN_TEXT,
  sampleValue,
  resolveUnit,
  scatterDomain,
  statScatters,
  unitDetail,
  type TexLine,
} from './inspectorMath';
import './inspector.css';

const TITLE = 'Inside batch norm';
const CAPTION = 'One batch-norm unit on the current mini-batch: forward, §3 backward (Ioffe & Szegedy) and folded for inference, in the engine’s numbers.';
/** The pass the equations and the table show. */
type Pass = 'forward' | 'backward' | 'folded';
const PASSES: { pass: Pass; label: string; title: string }[] = [
  { pass: 'forward', label: 'Forward', title: 'Algorithm 1: the normalization of the mini-batch' },
  { pass: 'backward', label: 'Backward', title: 'Section 3: the gradients of the mini-batch' },
  { pass: 'folded', label: 'Folded', title: 'Folded for inference: batch norm with its running statistics, folded into the weights' },
];
/** Rows of the sample table (of the `samples` the engine sends). */
const MAX_ROWS = 6;
/** Height of one scatter; the two stack in the left column. */
const SCATTER_HEIGHT = 86;
/**
 * Narrower than this (a phone), the scatters sit side by side above the equations and the view grows to fit;
 * a view in the laptop's two-column grid (≈ 460 px at 1280) keeps its side-by-side layout.
 */
const STACK_BELOW = 420;
const STACKED_SCATTER_HEIGHT = 120;
/** On a projector the scatters share the stats column's height and are drawn larger beyond this size. */
const PROJECTOR_SCATTER = { width: 220, height: 110 };

function TexLines({ lines, label, scrollable, words }: { lines: TexLine[]; label: string; scrollable: boolean; words: boolean }) {
  return (
    // Where a long formula may scroll sideways (a phone), the keyboard can reach it to scroll it.
    <div className="inspector-eqs" role="list" aria-label={label} tabIndex={scrollable ? 0 : undefined}>
      {lines.map((l) => (
        // With the words hidden, the gloss is still the row's tooltip.
        <div className={l.continued ? 'inspector-eq inspector-eq-continued' : 'inspector-eq'} role="listitem" key={l.formula} title={words ? undefined : l.gloss || undefined}>
          <Tex tex={l.formula} className="inspector-formula" />
          {l.value && <Tex tex={l.value} className="inspector-value" />}
          {words && l.gloss && <span className="inspector-gloss">{l.gloss}</span>}
        </div>
      ))}
    </div>
  );
}

/** The step inspector: one batch-norm layer's batch vs running statistics, and one unit's forward and backward pass. */
export function InspectorView() {
  const arms = useLab((s) => s.run.arms);
  const layer = useLab((s) => s.view.layer);
  const selectedUnit = useLab((s) => s.view.unit);
  const theme = useLab((s) => s.view.theme);
  const latest = useLab((s) => s.latest);
  const epsilon = useLab((s) => s.config.normalization.epsilon);
  const momentum = useLab((s) => s.config.normalization.momentum);
  const layers = useLab((s) => s.run.layers);
  const setView = useLab((s) => s.setView);

  const bnArms = useMemo(() => batchNormArms(arms), [arms]);
  const [picked, setPicked] = useState<number | null>(null);
  const arm = picked !== null && bnArms.includes(picked) ? picked : (bnArms[0] ?? null);
  const [hovered, setHovered] = useState<number | null>(null);
  const [pass, setPass] = useState<Pass>('forward');
  // Plain-language glosses beside the equations: on by default, off for more rows of numbers.
  const [words, setWords] = useState(true);
  // On the always-present frame: useSize observes the element it finds at mount.
  const [frameRef, frameSize] = useSize<HTMLDivElement>();
  const stacked = frameSize.width > 0 && frameSize.width < STACK_BELOW;
  // Projector mode: the view fills its cell; the scatters fill the stats column, the tables get the width.
  const projected = useLab((s) => s.view.projector) && !stacked;

  const probe = arm !== null ? latest?.arms[arm]?.layers[layer] : undefined;
  const bn = probe?.bn ?? null;
  const inspect = probe?.inspect ?? null;
  const units = bn ? bn.batchMean.length : inspect ? inspectionUnits(inspect) : 0;
  const { unit: chosenUnit, chosen } = resolveUnit(selectedUnit, units);
  const unit = hovered !== null && hovered < units ? hovered : chosenUnit;

  const scatters = useMemo(() => {
    if (!bn) return null;
    const pts = statScatters(bn);
    return { ...pts, meanDomain: scatterDomain(pts.mean), varianceDomain: scatterDomain(pts.variance, true) };
  }, [bn]);
  const detail = useMemo(() => (inspect && unit < inspectionUnits(inspect) ? unitDetail(inspect, unit, epsilon, MAX_ROWS) : null), [inspect, unit, epsilon]);
  // Folded for inference: every unit's s and shift from the probe's γ, β and running statistics (fold.ts's math).
  const folded = useMemo(() => (inspect && bn && pass === 'folded' ? foldRows(inspect, bn, epsilon) : null), [inspect, bn, epsilon, pass]);
  const placement = arm !== null ? arms[arm]?.placement : undefined;
  const story = useMemo(
    () => (placement && units > 0 && layer < layers.length ? foldStory({ layers, layer, placement, units }) : null),
    [layers, layer, placement, units],
  );
  const foldRow = folded && unit < folded.length ? folded[unit]! : null;
  const lines = useMemo(() => {
    if (pass === 'folded') return foldRow && story && placement ? foldTex(foldRow, story, layers[layer]!.kind, placement) : [];
    return detail ? (pass === 'forward' ? forwardTex(detail) : backwardTex(detail)) : [];
  }, [detail, pass, foldRow, story, placement, layers, layer]);

  const columns = pass === 'folded' ? [] : SAMPLE_COLUMNS[pass];
  const color = arm !== null ? armColor(arm, theme) : 'currentColor';
  const mom = momentumConventions(momentum);
  const count = inspect?.count ?? null;

  const armTools =
    bnArms.length > 1 ? (
      <div className="inspector-arms" role="group" aria-label="Batch-norm arm">
        {bnArms.map((i) => (
          <button key={i} type="button" aria-pressed={i === arm} onClick={() => setPicked(i)}>
            <ArmSwatch arm={i} theme={theme} />
            {arms[i]!.name}
          </button>
        ))}
        <span className="inspector-layer">· layer {layer + 1}</span>
      </div>
    ) : arm !== null ? (
      <span className="inspector-arm">
        <ArmSwatch arm={arm} theme={theme} />
        {arms[arm]!.name}
        <span className="inspector-layer">· layer {layer + 1}</span>
      </span>
    ) : undefined;
  const tools = armTools && (
    <div className="inspector-tools">
      {armTools}
      <label className="inspector-words" title="Each equation, said in plain words under it">
        <input type="checkbox" checked={words} onChange={(e) => setWords(e.target.checked)} /> in words
      </label>
    </div>
  );

  let body: ReactNode;
  if (arms.length === 0 || (bnArms.length > 0 && !latest)) {
    body = <p className="inspector-empty">waiting for the first probe…</p>;
  } else if (arm === null) {
    body = <p className="inspector-empty">No arm uses batch norm in this comparison.</p>;
  } else if (!bn || !scatters) {
    body = (
      <p className="inspector-empty">
        Layer {layer + 1} of {arms[arm]!.name} has no batch-norm statistics in this probe.
      </p>
    );
  } else {
    const colWidth = stacked ? Math.floor((frameSize.width - 12) / 2) : projected ? projectorStatsWidth(frameSize.width) : statsColumnWidth(frameSize.width);
    // What the two scatters share: size, colour, and the unit ringed in both.
    const shared = {
      width: colWidth,
      height: stacked ? STACKED_SCATTER_HEIGHT : SCATTER_HEIGHT,
      color,
      selected: chosenUnit,
      hovered,
      units,
      onHover: setHovered,
      onSelect: (k: number) => setView({ unit: k }),
    } satisfies Partial<StatScatterProps>;
    // On a projector each scatter measures its share of the column; in the lab it has the fixed size above.
    const fitted = (draw: (fit: Pick<PlotFit, 'width' | 'height' | 'scale'>) => ReactNode) =>
      projected ? <FitBox comfort={PROJECTOR_SCATTER}>{draw}</FitBox> : draw({ width: shared.width, height: shared.height, scale: 1 });
    const unitHint = hovered !== null && hovered < units && (hovered !== chosenUnit || !chosen) ? '(click to keep)' : chosen ? (count !== null ? `· m = ${count}` : '') : '(click a unit to choose)';
    body = (
      <div className="inspector-body" style={stacked ? undefined : { gridTemplateColumns: `${colWidth}px minmax(0, 1fr)` }}>
        <div className="inspector-stats">
          {frameSize.width > 0 && (
            <>
              {fitted((fit) => (
                <StatScatter
                  stat="mean"
                  batchName={
                    <>
                      batch μ<sub>B</sub>
                    </>
                  }
                  runningName="running mean"
                  xLabel="running mean"
                  yLabel={
                    <>
                      batch μ<tspan baselineShift="sub">B</tspan>
                    </>
                  }
                  points={scatters.mean}
                  domain={scatters.meanDomain}
                  {...shared}
                  {...fit}
                />
              ))}
              {fitted((fit) => (
                <StatScatter
                  stat="variance"
                  batchName={
                    <>
                      batch σ²<sub>B</sub>
                    </>
                  }
                  runningName="running var."
                  xLabel="running variance"
                  yLabel={
                    <>
                      batch σ²<tspan baselineShift="sub">B</tspan>
                    </>
                  }
                  points={scatters.variance}
                  domain={scatters.varianceDomain}
                  {...shared}
                  {...fit}
                />
              ))}
            </>
          )}
          <p className="inspector-note" title={count !== null && count > 1 ? `m/(m−1) = ${count}/${count - 1} = ${formatNumber(besselFactor(count))}` : undefined}>
            Momentum {mom.pytorch} (PyTorch) = {mom.keras} (Keras). Running variance is unbiased: m/(m−1)·σ²<sub>B</sub> (Alg. 2).
          </p>
        </div>
        <div className="inspector-detail">
          {/* The head is a size container: its width decides whether the pass buttons need a row of their own. */}
          <div className="inspector-head">
            <div className="inspector-head-row">
              <span className="inspector-unit">
                <strong>unit {unit + 1}</strong>
                {unitHint && <span className="inspector-hint">{unitHint}</span>}
              </span>
              <div className="inspector-pass" role="group" aria-label="Pass">
                {PASSES.map((p) => (
                  <button type="button" key={p.pass} aria-pressed={pass === p.pass} title={p.title} onClick={() => setPass(p.pass)}>
                    {p.label}
                  </button>
                ))}
              </div>
            </div>
          </div>
          {pass === 'folded' ? (
            folded && story ? (
              <section className="inspector-fold" aria-label="Folded for inference">
                <div className="inspector-fold-text">
                  <p className="inspector-fold-note">
                    <strong>Folded for inference.</strong> {story.sentence}
                  </p>
                  <TexLines lines={lines} label={`Unit ${unit + 1} folded`} scrollable={stacked} words={words} />
                </div>
                <FoldTable rows={folded} unit={unit} story={story} layer={layer} step={latest?.step ?? null} />
              </section>
            ) : (
              <p className="inspector-empty">The engine sent no γ and β for this layer in this probe.</p>
            )
          ) : detail ? (
            <>
              <TexLines lines={lines} label={pass === 'forward' ? 'Forward pass' : 'Backward pass (Ioffe & Szegedy §3)'} scrollable={stacked} words={words} />
              {/* Scrolls inside its own box when the view is short or narrow; focusable so keys can scroll it. */}
              <div className="inspector-table-wrap" tabIndex={0} role="region" aria-label={`Values of unit ${unit + 1} in the mini-batch, ${pass} pass`}>
                <table className="inspector-table">
                  <caption className="visually-hidden">
                    The first {detail.rows.length} of the m = {detail.count} values of unit {unit + 1} in the mini-batch
                    {latest ? ` of step ${latest.step}` : ''}
                  </caption>
                  <thead>
                    <tr>
                      {/* Typeset for the eye, named in plain text for assistive technology (SAMPLE_COLUMN_TEXT). */}
                      <th scope="col" title={`the first ${detail.rows.length} of m = ${detail.count}`}>
                        <span aria-hidden="true">
                          <Tex tex="i" />
                        </span>
                        <span className="visually-hidden">i</span>
                      </th>
                      {columns.map((c) => (
                        <th scope="col" key={c} title={c === 'dx' ? DX_FORMULA_TEXT : undefined}>
                          <span aria-hidden="true">
                            <Tex tex={SAMPLE_COLUMN_TEX[c]} />
                          </span>
                          <span className="visually-hidden">{SAMPLE_COLUMN_TEXT[c]}</span>
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {detail.rows.map((r) => (
                      <tr key={r.i}>
                        <th scope="row">{r.i}</th>
                        {columns.map((c) => (
                          <td key={c}>
                            <Num v={sampleValue(r, c, detail.gamma)} />
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : (
            <p className="inspector-empty">The engine sent no step inspection for this layer in this probe.</p>
          )}
        </div>
      </div>
    );
  }

  return (
    <ViewFigure title={TITLE} caption={CAPTION} tools={tools} className="inspector">
      <div className={`inspector-frame-box${stacked ? ' stacked' : ''}${words ? ' words' : ''}${pass === 'folded' ? ' folded' : ''}`} ref={frameRef}>
        {body}
      </div>
    </ViewFigure>
  );
}

/** On a projector the scatter column is wider (its type is larger): about a quarter of the view, 240–340 px. */
function projectorStatsWidth(width: number): number {
  return Math.round(Math.min(340, Math.max(240, width * 0.26)));
}

/** The scatter column: about a third of the view, between 180 and 260 px; the equations get the rest. */
function statsColumnWidth(width: number): number {
  return Math.round(Math.min(260, Math.max(180, width * 0.35)));
}

