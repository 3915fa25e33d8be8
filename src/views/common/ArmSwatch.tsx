import { armColor, armDash } from './palette';

export interface ArmSwatchProps {
  /** The arm's position in the run: its colour and dash. */
  arm: number;
  theme: 'light' | 'dark';
  /** Length of the stroke in CSS pixels (22 unless given). */
  length?: number;
}

/**
 * An arm's mark wherever its name is written (legends, read-outs, the Summary): a short stroke in the arm's colour
 * and dash, as its line is drawn in the charts, so that an arm is told apart without relying on colour alone.
 */
export function ArmSwatch({ arm, theme, length = 22 }: ArmSwatchProps) {
  return (
    <svg className="arm-swatch" width={length} height="10" aria-hidden="true">
      <line x1="1" x2={length - 1} y1="5" y2="5" stroke={armColor(arm, theme)} strokeWidth="3" strokeDasharray={armDash(arm)} />
    </svg>
  );
}
