/**
 * What the training worker can start on before the page has decoded the link and sent the first run: the MNIST
 * digits, when the link's run surely trains on them. The page's entry works it out from the link's words alone (no
 * zod, no schema: the lab's own code has not even downloaded yet) and hands it to the worker in the worker's name,
 * the one thing a worker can read as its script first runs: a message waited, in measurements, up to 400 ms behind the
 * compilation of the worker's other scripts. A wrong answer costs only a download, never a different run: the
 * configuration alone decides what runs. It is true only where the decoded link agrees (`headStart.test.ts` checks
 * every preset, every dataset and the lessons).
 */

/** The presets that train on 2-D points rather than the digits (config/presets.ts; checked by the test). */
const POINTS_PRESETS: ReadonlySet<string> = new Set(['spirals']);

/**
 * Whether the run a page opened with `search` (location.search) starts trains on the digits: yes unless the link names
 * other data or a preset of 2-D points. A lesson's step brings its own data, so a lesson's link fetches nothing ahead.
 */
export function needsDigits(search: string): boolean {
  const params = new URLSearchParams(search);
  if (params.has('lesson')) return false;
  const data = params.get('data');
  if (data !== null) return data === 'mnist';
  const preset = params.get('preset');
  return preset === null || !POINTS_PRESETS.has(preset);
}

/** The training worker's name (DevTools shows it), which carries the head start. */
export function trainingWorkerName({ digits }: { digits: boolean }): string {
  return digits ? 'training (digits ahead)' : 'training';
}

/** What the training worker named `name` may start on at once. */
export function headStartOf(name: string): { digits: boolean } {
  return { digits: name === trainingWorkerName({ digits: true }) };
}
