import { useLab } from '../store/context';

const fmt = (v: number | undefined, digits = 3) => (v === undefined ? '–' : Number.isFinite(v) ? v.toFixed(digits) : 'diverged');

/** The newest probe's loss and accuracy of each arm. */
export function Summary() {
  const latest = useLab((s) => s.latest);
  const arms = useLab((s) => s.run.arms);
  return (
    <table className="summary">
      <caption>Latest probe{latest ? ` (step ${latest.step})` : ''}</caption>
      <thead>
        <tr>
          <th scope="col">arm</th>
          <th scope="col">train loss</th>
          <th scope="col">test loss</th>
          <th scope="col">test accuracy</th>
        </tr>
      </thead>
      <tbody>
        {arms.map((arm, i) => {
          const a = latest?.arms[i];
          return (
            <tr key={arm.name}>
              <th scope="row">{arm.name}</th>
              <td data-testid={`train-loss-${i}`}>{fmt(a?.trainLoss)}</td>
              <td>{fmt(a?.testLoss)}</td>
              <td>{a ? `${(a.testAccuracy * 100).toFixed(1)}%` : '–'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
