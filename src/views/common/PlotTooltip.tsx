import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { tooltipPosition } from './tooltipMath';
import './tooltip.css';

export interface PlotTooltipProps {
  /** Pointer position within the plot box. */
  px: number;
  py: number;
  /** The plot box's size: the tooltip stays inside it. */
  boxWidth: number;
  boxHeight: number;
  /** The view's own class (its font size, shadow and table spacing). */
  className: string;
  children: ReactNode;
}

/** The hover read-out: measured after layout and placed beside the pointer, inside the plot box. */
export function PlotTooltip({ px, py, boxWidth, boxHeight, className, children }: PlotTooltipProps) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const { left, top } = tooltipPosition(px, py, el.offsetWidth, el.offsetHeight, boxWidth, boxHeight);
    el.style.left = `${left}px`;
    el.style.top = `${top}px`;
  });
  return (
    <div ref={ref} className={`view-tooltip ${className}`} role="status">
      {children}
    </div>
  );
}
