import type { ScheduleEvent } from '../../config/schema';
import { describeChange } from '../../config/schedule';
import './scheduleMarks.css';

/**
 * The schedule's changes on a step axis: a dashed line at each event's step, with the change as its tooltip and a
 * short mark at the top. Views that plot against steps draw these so a learning-rate drop is seen where it acted.
 */
export function ScheduleMarks({ events, x, domain, top, bottom, label = true }: {
  events: readonly ScheduleEvent[];
  x: (step: number) => number;
  domain: readonly [number, number];
  top: number;
  bottom: number;
  label?: boolean;
}) {
  const visible = events.filter((e) => e.step >= domain[0] && e.step <= domain[1]);
  if (visible.length === 0) return null;
  return (
    <g className="schedule-marks" pointerEvents="none">
      {visible.map((e) => (
        <g key={e.step} transform={`translate(${x(e.step)},0)`} data-step={e.step}>
          <title>{`step ${e.step.toLocaleString('en-US')}: ${describeChange(e.set)}`}</title>
          <line y1={top} y2={bottom} />
          {label && (
            <text y={top - 3} textAnchor="middle">
              ▾
            </text>
          )}
        </g>
      ))}
    </g>
  );
}
