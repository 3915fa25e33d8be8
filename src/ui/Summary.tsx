import { useMemo } from 'react';
import { useLab } from '../store/context';
import { ArmSwatch } from '../views/common/ArmSwatch';
import { armState } from './summaryState';
import { formatMs } from '../views/convergence/convergenceMath';

/** What the column measures, for its tooltip. */
const MS_TITLE = 'Milliseconds per training step of this arm alone, on this machine: the median of its recent steps (probes excluded).';

const fmt = (v: number | undefined, digits = 3) => (v === undefined ? '–' : Number.isFinite(v) ? v.toFixed(digits) : '∞');

/** The scoreboard: the newest probe's loss and accuracy of each arm, and what has happened to each (from its history). */
export function Summary() {
  const latest = useLab((s) => s.latest);
  const arms = useLab((s) => s.run.arms);
  const theme = useLab((s) => s.view.theme);
  const history = useLab((s) => s.history);
  const revision = useLab((s) => s.revision);
  const numClasses = useLab((s) => s.run.numClasses);
  // The history grows in place: `revision` says it changed.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- revision is the change signal, not an input
  const states = useMemo(() => arms.map((_, i) => armState(history[i], numClasses)), [arms, history, numClasses, revision]);
  return (
    <table className="summary">
      <caption>{latest ? `At step ${latest.step.toLocaleString('en-US')}` : 'Waiting for the first probe…'}</caption>
      <thead>
        <tr>
          <th scope="col">arm</th>
          <th scope="col">train loss</th>
          <th scope="col">test loss</th>
          <th scope="col">test accuracy</th>
          {/* Time is this machine's, not the seed's: data-machine marks it so replay comparisons leave it out. */}
          <th scope="col" data-machine="" title={MS_TITLE}>
            ms / step
          </th>
          <th scope="col" className="state">state</th>
        </tr>
      </thead>
      <tbody>
        {arms.map((arm, i) => {
          const a = latest?.arms[i];
          const state = states[i];
          return (
            // Keyed by position: two arms may share a name, and a row keeps its place while its state text changes.
            <tr key={i}>
              <th scope="row">
                <ArmSwatch arm={i} theme={theme} />
                {arm.name}
              </th>
              <td data-testid={`train-loss-${i}`}>{fmt(a?.trainLoss)}</td>
              <td>{fmt(a?.testLoss)}</td>
              <td>{a ? `${(a.testAccuracy * 100).toFixed(1)}%` : '–'}</td>
              <td data-machine="" data-testid={`ms-per-step-${i}`} title={MS_TITLE}>
                {formatMs(a?.timing.msPerStep)}
              </td>
              <td className="state" data-testid={`state-${i}`} data-state={state?.kind}>
                {state?.kind === 'diverged' ? (
                  <span className="diverged" role="alert">
                    {state.text}
                  </span>
                ) : (
                  (state?.text ?? 'waiting')
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
