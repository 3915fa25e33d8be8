import { useModalDialog } from './useModalDialog';

export const SHORTCUTS: readonly [string, string][] = [
  ['Space', 'Play / Pause'],
  ['→', 'Step one training step'],
  ['R', 'Reset the run to step 0'],
  ['T', 'Switch light / dark theme'],
  ['P', 'Projector mode: large type, the views you pick, one screen'],
  ['?', 'Show this help'],
];

/** Keyboard shortcuts and what the lab shows, in a modal <dialog>. */
export function HelpDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useModalDialog(open);
  return (
    <dialog ref={ref} className="help" aria-labelledby="help-title" onClose={onClose} onCancel={onClose}>
      <h2 id="help-title">Keyboard shortcuts</h2>
      <table>
        <tbody>
          {SHORTCUTS.map(([key, what]) => (
            <tr key={key}>
              <th scope="row">
                <kbd>{key}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>With a control focused</h3>
      <ul className="help-focus-rules">
        <li>
          A slider keeps <kbd>←</kbd> <kbd>→</kbd> <kbd>↑</kbd> <kbd>↓</kbd> (the next value on its scale), <kbd>Page Up</kbd>{' '}
          <kbd>Page Down</kbd>, <kbd>Home</kbd> and <kbd>End</kbd>; <kbd>Space</kbd>, <kbd>R</kbd>, <kbd>T</kbd>, <kbd>P</kbd> and{' '}
          <kbd>?</kbd> still work.
        </li>
        <li>A list (select) and a text or number field keep every key: letters pick an option or type. Press Tab to leave them.</li>
        <li>
          A checkbox or radio button keeps <kbd>Space</kbd>. On a button, <kbd>Space</kbd> plays or pauses and <kbd>Enter</kbd> presses
          the button.
        </li>
      </ul>
      <p>
        Every arm trains the same architecture on the same mini-batches from the same random initial draws; they differ in
        normalization and in whatever an arm sets for itself (the Network view’s caption says what). Changing a setting
        restarts the run from step 0; changing the speed, the layer you look at or the theme does not.
      </p>
      <form method="dialog">
        <button type="submit" className="primary">
          Close
        </button>
      </form>
    </dialog>
  );
}
