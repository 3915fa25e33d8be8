import type { ReactNode } from 'react';
import { FILL_BOX, plotFit, type Comfort, type PlotFit } from './plotFit';
import { useSize } from './useSize';

/**
 * Projector mode's box for a chart whose size its parent cannot know: it takes what is left of its flex column,
 * measures itself, and draws the chart to fill it (as large as plotFit allows).
 */
export function FitBox({ comfort, className, children }: { comfort: Comfort; className?: string; children: (fit: PlotFit) => ReactNode }) {
  const [ref, size] = useSize<HTMLDivElement>();
  const fit = plotFit(size, true, 0, comfort);
  return (
    <div ref={ref} className={className} style={FILL_BOX}>
      {size.width > 0 && size.height > 0 && children(fit)}
    </div>
  );
}
