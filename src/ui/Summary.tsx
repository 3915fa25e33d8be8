import { useLab } from '../store/context';
import { armColor, armDash } from '../views/common/palette';

const fmt = (v: number | undefined, digits = 3) => (v === undefined ? '–' : Number.isFinite(v) ? v.toFixed(digits) : '∞');

/** The scoreboard: the newest probe's loss and accuracy of each arm, and which arm diverged. */
export function Summary() {
  const latest = useLab((s) => s.latest);
  const arms = useLab((s) => s.run.arms);
  const theme = useLab((s) => s.view.theme);
  return (
    <table className="summary">
      <caption>{latest ? `At step ${latest.step.toLocaleString('en-US')}` : 'Waiting for the first probe…'}</caption>
      <thead>
        <tr>
          <th scope="col">arm</th>
          <th scope="col">train loss</th>
          <th scope="col">test loss</th>
          <th scope="col">test accuracy</th>
          <th scope="col" className="state">state</th>
        </tr>
      </thead>
      <tbody>
        {arms.map((arm, i) => {
          const a = latest?.arms[i];
          return (
            <tr key={arm.name}>
              <th scope="row">
                <svg width="22" height="10" aria-hidden="true">
                  <line x1="1" x2="21" y1="5" y2="5" stroke={armColor(i, theme)} strokeWidth="3" strokeDasharray={armDash(i)} />
                </svg>
                {arm.name}
              </th>
              <td data-testid={`train-loss-${i}`}>{fmt(a?.trainLoss)}</td>
              <td>{fmt(a?.testLoss)}</td>
              <td>{a ? `${(a.testAccuracy * 100).toFixed(1)}%` : '–'}</td>
              <td className="state">
                {a?.divergedAt != null ? (
                  <span className="diverged" role="alert">
                    diverged at step {a.divergedAt}: lower its learning rate
                  </span>
                ) : (
                  'training'
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
