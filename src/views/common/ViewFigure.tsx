import { useId, useRef, type ReactNode } from 'react';
import { FigureExport } from '../../export/FigureExport';

export interface ViewFigureProps {
  /** The view's title; the figcaption starts with it (tests and screen readers find the view by it). */
  title: string;
  /** One sentence: what to look for. */
  caption: string;
  /** Controls that belong to the view (toggles, unit pickers), shown beside the title. */
  tools?: ReactNode;
  /** Legend, under the caption. */
  legend?: ReactNode;
  className?: string;
  children: ReactNode;
}

/**
 * The frame every view shares: a <figure> whose <figcaption> starts with the title, then the caption, and an
 * Export menu (PNG, SVG of the figure as shown) beside it, outside the caption so the figure's name stays the title.
 */
export function ViewFigure({ title, caption, tools, legend, className, children }: ViewFigureProps) {
  const id = useId();
  const ref = useRef<HTMLElement>(null);
  return (
    <figure ref={ref} className={`view ${className ?? ''}`} aria-labelledby={id}>
      <figcaption id={id} className="view-caption">
        <span className="view-title">{title}</span>
        <span className="view-sentence">{caption}</span>
      </figcaption>
      <FigureExport figure={ref} title={title} />
      {tools && <div className="view-tools">{tools}</div>}
      {legend && <div className="view-legend">{legend}</div>}
      <div className="view-body">{children}</div>
    </figure>
  );
}
