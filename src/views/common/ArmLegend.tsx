import { useLab } from '../../store/context';
import { armColor, armDash } from './palette';

/** The arms with their colour and dash, and what differs between them. */
export function ArmLegend() {
  const arms = useLab((s) => s.run.arms);
  const theme = useLab((s) => s.view.theme);
  return (
    <ul className="arm-legend" aria-label="Arms">
      {arms.map((a, i) => (
        <li key={a.name}>
          <svg width="26" height="10" aria-hidden="true">
            <line x1="1" x2="25" y1="5" y2="5" stroke={armColor(i, theme)} strokeWidth="3" strokeDasharray={armDash(i)} />
          </svg>
          {a.name}
        </li>
      ))}
    </ul>
  );
}
