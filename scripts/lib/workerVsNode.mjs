// Compares the lab's training speed in the browser's worker with the engine's in Node, as bench:engine wrote it to
// bench-results/engine-node.json earlier in the same `npm run bench`. Pure: the caller reads the file and the clock.

/** Steps per second in the worker of at least this fraction of Node's (issue 13). */
export const WORKER_TARGET = 0.85;

/**
 * A Node file written longer ago than this is not from this benchmark run (`npm run bench` runs bench:engine, minutes
 * at most, then bench:browser): the ratio is still shown, marked stale, since both were measured on this machine but
 * perhaps under another load.
 */
export const NODE_FRESH_MS = 60 * 60 * 1000;

/**
 * What engine-node.json says, for the comparison: its rows by preset and backend, its age, and a sentence for the
 * table when there is nothing to compare with or it is stale.
 * @param {string | null} text the file's contents; null when it does not exist
 * @param {number} now Date.now()
 */
export function readNodeBench(text, now) {
  if (text === null) return { rows: [], date: null, ageMs: null, stale: true, problem: 'bench-results/engine-node.json is missing: run `npm run bench` (bench:engine, then this), or `npm run bench:engine` first' };
  let data;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { rows: [], date: null, ageMs: null, stale: true, problem: `bench-results/engine-node.json does not parse (${e instanceof Error ? e.message : String(e)})` };
  }
  const rows = Array.isArray(data?.rows) ? data.rows.filter((r) => typeof r?.preset === 'string' && typeof r?.backend === 'string' && Number.isFinite(r?.stepsPerSecond)) : [];
  const at = typeof data?.date === 'string' ? Date.parse(data.date) : NaN;
  const ageMs = Number.isFinite(at) ? now - at : null;
  const stale = ageMs === null || ageMs > NODE_FRESH_MS || ageMs < 0;
  const problem = ageMs === null ? 'bench-results/engine-node.json has no date' : stale ? `bench-results/engine-node.json is stale: written ${ago(ageMs)}, not in this benchmark run` : null;
  return { rows, date: Number.isFinite(at) ? new Date(at).toISOString() : null, ageMs, stale, problem, loadAverage: data?.loadAverage ?? null };
}

/** "12 min ago", "3.4 h ago", "2 days ago". */
export function ago(ms) {
  if (ms < 0) return 'in the future (clock changed?)';
  const min = ms / 60000;
  if (min < 90) return `${Math.round(min)} min ago`;
  if (min < 48 * 60) return `${(min / 60).toFixed(1)} h ago`;
  return `${Math.round(min / 1440)} days ago`;
}

/**
 * One comparison row: the worker's steps/s against Node's for the same preset and backend.
 * @param {{ preset: string, backend: string, stepsPerSecond: number, rounds: number[] }} worker
 * @param {ReturnType<typeof readNodeBench>} node
 */
export function compareWithNode(worker, node) {
  const row = node.rows.find((r) => r.preset === worker.preset && r.backend === worker.backend) ?? null;
  if (!row) {
    return { ...worker, node: null, ratio: null, met: null, note: node.problem ?? `no row for ${worker.preset} on ${worker.backend} in bench-results/engine-node.json (filtered out by --preset/--backend?)` };
  }
  const ratio = worker.stepsPerSecond / row.stepsPerSecond;
  return {
    ...worker,
    node: { stepsPerSecond: row.stepsPerSecond, path: row.path ?? null, arms: row.arms ?? null, date: node.date, stale: node.stale },
    ratio,
    met: ratio >= WORKER_TARGET,
    note: node.problem,
  };
}

/**
 * Lockstep steps per second over a window of (time ms, step) samples of the page's step counter: from the first
 * sample to the last, so that the counter's update rate (at most one a frame) does not bias it.
 * @param {[number, number][]} samples
 */
export function stepsPerSecond(samples) {
  if (samples.length < 2) return null;
  const [t0, s0] = samples[0];
  const [t1, s1] = samples[samples.length - 1];
  return t1 > t0 && s1 > s0 ? ((s1 - s0) * 1000) / (t1 - t0) : null;
}
