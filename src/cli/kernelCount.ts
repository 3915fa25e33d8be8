import { tf } from '../engine';

export interface KernelCount<T> {
  readonly result: T;
  /** Backend kernels the engine dispatched while `run` ran. */
  readonly kernels: number;
  /** The same, per kernel name, most frequent first. */
  readonly byName: readonly [string, number][];
}

/**
 * Counts the backend kernels `run` dispatches, two independent ways that must agree:
 *  - tf.profile's record, keeping only entries named after a kernel registered for the backend: the profile also
 *    records each tf.customGrad call (the engine's dense and conv layers) as an entry of its own, whose kernels are
 *    recorded again one by one, so its raw length overcounts;
 *  - a counter wrapped around every registered kernel function of the backend, which the engine looks up and calls
 *    on each dispatch (kernels that a backend runs inside another kernel, by direct call, are part of that one).
 * A disagreement throws: the number in the table would not be the real count.
 */
export async function countKernels<T>(backend: string, run: () => T | Promise<T>): Promise<KernelCount<T>> {
  const configs = tf.getKernelsForBackend(backend);
  const registered = new Set(configs.map((c) => c.kernelName));
  const counts = new Map<string, number>();
  const originals = configs.map((c) => c.kernelFunc);
  configs.forEach((c, i) => {
    const original = originals[i]!;
    c.kernelFunc = (args) => {
      counts.set(c.kernelName, (counts.get(c.kernelName) ?? 0) + 1);
      return original(args);
    };
  });
  let info: Awaited<ReturnType<typeof tf.profile>>;
  // tf.profile keeps what its function returns as a TensorContainer: the result travels beside it instead. A throw
  // is caught inside too, because tf.profile would leave the engine in profiling mode (recording every kernel).
  let outcome: { value: T } | { error: unknown } | null = null;
  try {
    info = await tf.profile(async () => {
      try {
        outcome = { value: await run() };
      } catch (error) {
        outcome = { error };
      }
      return [] as tf.Tensor[];
    });
  } finally {
    configs.forEach((c, i) => (c.kernelFunc = originals[i]!));
  }
  const done = outcome as { value: T } | { error: unknown } | null;
  if (done === null) throw new Error('kernel count: the profiled function did not finish');
  if ('error' in done) throw done.error;
  const profiled = info.kernels.filter((k) => registered.has(k.name)).length;
  const wrapped = [...counts.values()].reduce((a, b) => a + b, 0);
  if (profiled !== wrapped) throw new Error(`kernel count: tf.profile saw ${profiled} kernels on ${backend}, the registry counter ${wrapped}`);
  return { result: done.value, kernels: wrapped, byName: [...counts.entries()].sort((a, b) => b[1] - a[1]) };
}
