import type { Command } from './protocol';

/**
 * Adds a command to those still waiting, dropping the ones it makes pointless, so that a burst of changes costs
 * one rebuild instead of one each (20 quick learning-rate changes used to rebuild 20 times, one after another).
 *
 * - `configure` starts a new run from step 0 with its own complete configuration, paused: every waiting command
 *   but `setSpeed` and `timings` (which outlive runs) is moot. A backend that a dropped `configure` asked for by name (a
 *   link's `be=wasm`) is kept when the newer one says 'auto', which means "the one in use".
 * - `reset` rebuilds the same configuration from step 0, paused: waiting resets, steps, run-tos, plays and
 *   pauses are moot, and so is the reset itself when a `configure` still waits (it gives a fresh run anyway).
 *   A waiting `schedule` stays: it carries the configuration the reset must rebuild.
 * - `runTo` replaces a waiting `runTo`: only the newest target matters.
 * - `schedule` replaces a `schedule` right before it: each carries the whole configuration. Not one further back,
 *   since a step or run-to between them trains under the older schedule.
 * - `setSpeed` replaces a `setSpeed` right before it.
 *
 * Mutates `pending` in place and returns it.
 */
export function enqueueCommand(pending: Command[], cmd: Command): Command[] {
  const keep = (drop: (c: Command) => boolean) => {
    const kept = pending.filter((c) => !drop(c));
    pending.length = 0;
    pending.push(...kept);
  };
  const last = pending[pending.length - 1];
  switch (cmd.type) {
    case 'configure': {
      const named = pending.filter((c): c is Extract<Command, { type: 'configure' }> => c.type === 'configure' && c.backend !== 'auto').pop();
      keep((c) => c.type !== 'setSpeed' && c.type !== 'timings');
      pending.push(cmd.backend === 'auto' && named ? { ...cmd, backend: named.backend } : cmd);
      break;
    }
    case 'reset':
      keep((c) => c.type === 'reset' || c.type === 'runTo' || c.type === 'step' || c.type === 'play' || c.type === 'pause');
      if (!pending.some((c) => c.type === 'configure')) pending.push(cmd);
      break;
    case 'runTo':
      keep((c) => c.type === 'runTo');
      pending.push(cmd);
      break;
    case 'schedule':
    case 'setSpeed':
      if (last?.type === cmd.type) pending.pop();
      pending.push(cmd);
      break;
    default:
      pending.push(cmd);
  }
  return pending;
}

/** Whether a waiting command will build a new run anyway, so a build under way can stop where it is. */
export function rebuildWaiting(pending: readonly Command[]): boolean {
  return pending.some((c) => c.type === 'configure' || c.type === 'reset');
}
