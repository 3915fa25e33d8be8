import { describe, expect, it } from 'vitest';
import { CHART_COMFORT, MAX_PROJECTOR_SCALE, fitPanels, fitSquares, plotBoxStyle, plotFit, svgSize } from './plotFit';

describe('plotFit: a chart in the lab and on a projector', () => {
  it('in the lab: scale 1, the box width, the fixed height', () => {
    const fit = plotFit({ width: 612, height: 0 }, false, 260);
    expect(fit).toEqual({ scale: 1, width: 612, height: 260, fill: false });
    expect(plotBoxStyle(fit, 260)).toEqual({ height: 260 });
    expect(svgSize(fit.scale, 612, 260)).toEqual({ width: 612, height: 260 });
  });

  it('on a projector: as large as the box allows, keeping the comfortable drawing size', () => {
    // Half of a 1280 px screen, most of its height: width decides (590 / 440).
    const half = plotFit({ width: 590, height: 460 }, true, 260);
    expect(half.fill).toBe(true);
    expect(half.scale).toBeCloseTo(590 / CHART_COMFORT.width, 6);
    expect(half.width).toBeGreaterThanOrEqual(CHART_COMFORT.width - 1e-9);
    expect(half.width * half.scale).toBeCloseTo(590, 6);
    expect(half.height * half.scale).toBeCloseTo(460, 6);
    // The whole screen: capped.
    expect(plotFit({ width: 1240, height: 560 }, true, 260).scale).toBe(MAX_PROJECTOR_SCALE);
    // A short box: height decides.
    expect(plotFit({ width: 1240, height: 300 }, true, 260).scale).toBeCloseTo(300 / CHART_COMFORT.height, 6);
    // Smaller than comfortable: never drawn smaller than in the lab.
    expect(plotFit({ width: 300, height: 200 }, true, 260).scale).toBe(1);
    // Not measured yet: scale 1, nothing to draw.
    expect(plotFit({ width: 0, height: 0 }, true, 260)).toEqual({ scale: 1, width: 0, height: 0, fill: true });
  });

  it('the svg fills the box and its viewBox is the drawing', () => {
    const fit = plotFit({ width: 880, height: 480 }, true, 260);
    expect(fit.scale).toBe(2);
    expect(svgSize(fit.scale, fit.width, fit.height)).toEqual({ width: 880, height: 480, viewBox: '0 0 440 240' });
    expect(plotBoxStyle(fit, 260)).toEqual({ flex: '1 1 0', minHeight: 0 });
  });

  it('a grid of small charts takes the arrangement closest to comfortable, then grows', () => {
    const comfort = { width: 240, height: 170 };
    // A whole row of the screen: three side by side, as large as that allows.
    const row = fitPanels({ width: 1240, height: 440 }, 3, 14, comfort);
    expect([row.columns, row.rows]).toEqual([3, 1]);
    expect(row.scale).toBeCloseTo((1240 - 28) / 3 / 240, 6);
    expect(fitPanels({ width: 1900, height: 700 }, 3, 14, comfort).scale).toBe(MAX_PROJECTOR_SCALE);
    expect((row.width * row.scale) * 3 + 2 * 14).toBeCloseTo(1240, 6);
    // Half the screen's width: two columns, two rows.
    const half = fitPanels({ width: 590, height: 460 }, 3, 14, comfort);
    expect([half.columns, half.rows]).toEqual([2, 2]);
    expect(half.scale).toBeCloseTo(288 / 240, 6);
    expect(half.height * half.scale).toBeCloseTo((460 - 14) / 2, 6);
    // A short, wide strip: one row even when small.
    expect(fitPanels({ width: 900, height: 150 }, 3, 14, comfort)).toMatchObject({ columns: 3, rows: 1, scale: 1 });
  });

  it('square panels: the columns that give the largest square under their text', () => {
    // Two arms in a full-height half of the screen: one above the other would be smaller than side by side.
    expect(fitSquares({ width: 590, height: 470 }, 2, { x: 16, y: 10 }, 90)).toEqual({ columns: 2, side: 287 });
    // A tall, narrow box: stacked.
    expect(fitSquares({ width: 300, height: 900 }, 2, { x: 16, y: 10 }, 90)).toEqual({ columns: 1, side: 300 });
    // A full-width row: limited by height.
    expect(fitSquares({ width: 1240, height: 300 }, 2, { x: 16, y: 10 }, 90)).toEqual({ columns: 2, side: 210 });
  });
});
