import { useId, useMemo, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useLab } from '../../store/context';
import { ViewFigure } from '../common/ViewFigure';
import { networkCaption } from './networkCaption';
import { armColor, armTextColor } from '../common/palette';
import { usePlotPointer } from '../common/usePlotPointer';
import { useSize } from '../common/useSize';
import { formatInteger as formatCount, formatSignificant, formatStep } from '../common/format';
import { layerLabel, layerParams, layoutNetwork, normLabel, shapeLabel, type Block } from './networkMath';
import { PlotTooltip } from '../common/PlotTooltip';
import './network.css';

/** How much larger projector mode draws the diagram (at most: a wide diagram still fits the width). */
const PROJECTOR_ZOOM = 1.5;

interface Hover {
  layer: number;
  /** Tooltip anchor within the diagram's box (px). */
  px: number;
  py: number;
}

/**
 * The architecture of every arm, one row each, layers as clickable columns. Clicking a layer selects it in
 * every view (store.selectLayer); hovering shows its parameter count and latest gradient norm per arm.
 */
export function NetworkView() {
  const arms = useLab((s) => s.run.arms);
  const layers = useLab((s) => s.run.layers);
  const inputShape = useLab((s) => s.run.inputShape);
  const numClasses = useLab((s) => s.run.numClasses);
  const activation = useLab((s) => s.config.activation);
  // The key names the normalizations this run has ("BN / GN"), not a fixed list.
  const normKey = [...new Set(arms.flatMap((a) => normLabel(a.norm) ?? []))].join(' / ');
  const selected = useLab((s) => s.view.layer);
  const theme = useLab((s) => s.view.theme);
  const selectLayer = useLab((s) => s.selectLayer);
  const [ref, size] = useSize<HTMLDivElement>();
  // On a projector the diagram is laid out for a narrower box and drawn larger: bigger type, thicker lines.
  const zoom = useLab((s) => (s.view.projector ? PROJECTOR_ZOOM : 1));
  const [hover, setHover] = useState<Hover | null>(null);
  const arrowId = `net-arrow-${useId().replace(/:/g, '')}`;

  const layout = useMemo(
    () => (size.width > 0 && layers.length && arms.length ? layoutNetwork({ arms, layers, inputShape, numClasses, activation }, size.width / zoom) : null),
    [arms, layers, inputShape, numClasses, activation, size.width, zoom],
  );

  const s = (layout?.scale ?? 1) * zoom;
  const hoverColumn = hover && layout ? layout.columns.find((c) => c.layer === hover.layer) : undefined;

  const point = (e: PointerEvent<SVGGElement>) => {
    const box = e.currentTarget.ownerSVGElement!.getBoundingClientRect();
    setHover({ layer: Number(e.currentTarget.dataset.layer), px: e.clientX - box.left, py: e.clientY - box.top });
  };
  // A tap shows the layer's read-out as hovering does (and selects the layer, as a click does).
  const pointer = usePlotPointer(point, () => setHover(null));
  const key = (e: KeyboardEvent<SVGGElement>, layer: number) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      selectLayer(layer);
    }
  };

  return (
    <ViewFigure
      title="Network"
      caption={networkCaption(arms)}
      className="network-view"
      legend={
        <p className="net-key">
          {normKey && (
            <>
              <span className="net-key-norm">{normKey}</span> normalization, in the arm's colour ·{' '}
            </>
          )}
          <span className="net-key-act">σ</span> activation · the selected layer is outlined
        </p>
      }
    >
      <div ref={ref} className="net-frame" style={{ height: layout ? Math.ceil(layout.height * s) : 120 }}>
        {!layout && <p className="net-empty">waiting for the network…</p>}
        {layout && (
          <svg
            width={Math.ceil(layout.width * s)}
            height={Math.ceil(layout.height * s)}
            viewBox={`0 0 ${layout.width} ${layout.height}`}
            role="group"
            aria-label="Network architecture of each arm"
          >
            <defs>
              <marker id={arrowId} viewBox="0 0 8 8" refX="7.5" refY="4" markerWidth="7" markerHeight="7" orient="auto">
                <path d="M0,0.5 L8,4 L0,7.5 z" className="net-arrowhead" />
              </marker>
            </defs>
            {layout.columns.map((c) => {
              const isSelected = c.layer === selected;
              return (
                <g
                  key={c.layer}
                  className={`net-col${isSelected ? ' selected' : ''}${hover?.layer === c.layer ? ' hovered' : ''}`}
                  role="button"
                  tabIndex={0}
                  aria-label={`Select layer ${c.layer + 1}`}
                  aria-pressed={isSelected}
                  onClick={() => selectLayer(c.layer)}
                  onKeyDown={(e) => key(e, c.layer)}
                  data-layer={c.layer}
                  {...pointer}
                  onFocus={() => setHover({ layer: c.layer, px: (c.x + c.width / 2) * s, py: (c.y + c.height) * s })}
                  onBlur={() => setHover(null)}
                >
                  <rect className="net-col-bg" x={c.x} y={c.y} width={c.width} height={c.height} rx={8} />
                  <text className="net-col-title" x={c.x + c.width / 2} y={c.y + 14} textAnchor="middle">
                    layer {c.layer + 1}
                  </text>
                </g>
              );
            })}
            {layout.arrows.map((a, i) => (
              <line key={i} className="net-arrow" x1={a.x1 + 1} x2={a.x2 - 2} y1={a.y} y2={a.y} markerEnd={`url(#${arrowId})`} />
            ))}
            {layout.names.map((n, i) => (
              <text key={i} className="net-name" x={0} y={n.y} dy="0.35em" style={{ fill: armTextColor(n.arm, theme) }}>
                {n.truncated && <title>{arms[n.arm]?.name}</title>}
                {n.label}
              </text>
            ))}
            {layout.blocks.map((b, i) => (
              <NetBlock key={i} block={b} color={armColor(b.arm, theme)} />
            ))}
          </svg>
        )}
        {hover && hoverColumn && layout && (
          <PlotTooltip px={hover.px} py={hover.py} boxWidth={layout.width * s} boxHeight={layout.height * s} className="net-tooltip">
            <NetTooltip layer={hover.layer} theme={theme} />
          </PlotTooltip>
        )}
      </div>
    </ViewFigure>
  );
}

function NetBlock({ block: b, color }: { block: Block; color: string }) {
  if (b.kind === 'more') {
    return (
      <text className="net-more" x={b.x + b.width / 2} y={b.y + b.height / 2} dy="0.35em" textAnchor="middle">
        {b.label}
      </text>
    );
  }
  const rx = b.kind === 'act' ? b.height / 2 : b.kind === 'norm' ? 4 : 5;
  return (
    <g className={`net-block net-${b.kind}`} pointerEvents="none">
      <rect
        x={b.x}
        y={b.y}
        width={b.width}
        height={b.height}
        rx={rx}
        style={b.kind === 'norm' ? { fill: color, stroke: color } : undefined}
      />
      <text x={b.x + b.width / 2} y={b.y + b.height / 2} dy="0.35em" textAnchor="middle">
        {b.label}
      </text>
    </g>
  );
}

/** Per arm: the layer's parameter count and its latest ‖∂ℓ/∂W‖₂ (only the tooltip follows the probes). */
function NetTooltip({ layer, theme }: { layer: number; theme: 'light' | 'dark' }) {
  const arms = useLab((s) => s.run.arms);
  const layers = useLab((s) => s.run.layers);
  const latest = useLab((s) => s.latest);
  const info = layers[layer];
  if (!info) return null;
  return (
    <>
      <div className="net-tooltip-title">
        Layer {layer + 1} · {layerLabel(info)} → {shapeLabel(info.outShape)}
      </div>
      <table>
        <thead>
          <tr>
            <th scope="col">arm</th>
            <th scope="col">parameters</th>
            <th scope="col">‖∂ℓ/∂W‖₂</th>
          </tr>
        </thead>
        <tbody>
          {arms.map((arm, i) => {
            const p = layerParams(arm, layer);
            const probe = latest?.arms[i];
            const diverged = probe?.divergedAt != null;
            return (
              <tr key={i}>
                <th scope="row" style={{ color: armTextColor(i, theme) }}>
                  {arm.name}
                </th>
                <td title={`W ${formatCount(p.weight)}, b ${formatCount(p.bias)}, γ and β ${formatCount(p.norm)}`}>{formatCount(p.total)}</td>
                <td>{diverged ? 'diverged' : formatSignificant(probe?.layers[layer]?.gradNorm, { digits: 4 })}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="net-tooltip-note">{latest ? `gradient at step ${formatStep(latest.step)}` : 'no probe yet'}</div>
    </>
  );
}
