import { useEffect, useRef } from 'react';

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
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
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
