import { useLab } from '../../store/context';
import { ArmSwatch } from './ArmSwatch';

/** The arms with their colour and dash, and what differs between them. */
export function ArmLegend() {
  const arms = useLab((s) => s.run.arms);
  const theme = useLab((s) => s.view.theme);
  return (
    <ul className="arm-legend" aria-label="Arms">
      {arms.map((a, i) => (
        // Keyed by position: an arm is its place in the run (two arms may be given the same label).
        <li key={i}>
          <ArmSwatch arm={i} theme={theme} length={26} />
          {a.name}
        </li>
      ))}
    </ul>
  );
}
