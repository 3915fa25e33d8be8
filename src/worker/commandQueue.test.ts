import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/schema';
import { enqueueCommand, rebuildWaiting } from './commandQueue';
import type { Command } from './protocol';

const base = parseConfig({ dataset: { name: 'xor', noise: 0.1 }, model: { kind: 'mlp', depth: 1, width: 4 } });
const withLr = (learningRate: number) => parseConfig({ ...base, optimizer: { ...base.optimizer, learningRate } });
const configure = (learningRate: number, backend: 'auto' | 'wasm' | 'cpu' = 'auto'): Command => ({ type: 'configure', config: withLr(learningRate), backend });

function queue(...cmds: Command[]): Command[] {
  const pending: Command[] = [];
  for (const c of cmds) enqueueCommand(pending, c);
  return pending;
}
const types = (q: Command[]) => q.map((c) => c.type);

describe('waiting commands: a newer one drops those it makes pointless', () => {
  it('of twenty configures only the newest is left', () => {
    const q = queue(...Array.from({ length: 20 }, (_, i) => configure(0.5 - i * 0.01)));
    expect(q).toHaveLength(1);
    expect(q[0]!.type === 'configure' && q[0]!.config.optimizer.learningRate).toBeCloseTo(0.31, 10);
  });

  it('a configure drops every waiting command that concerns the old run, and keeps the speed and the device’s timings', () => {
    const q = queue({ type: 'timings', known: {} }, { type: 'play' }, { type: 'setSpeed', stepsPerSecond: 5 }, { type: 'step' }, { type: 'runTo', step: 40 }, { type: 'schedule', config: base }, { type: 'reset' }, { type: 'pause' }, configure(0.1));
    expect(types(q)).toEqual(['timings', 'setSpeed', 'configure']);
  });

  it('a backend named by a dropped configure (a link’s be=wasm) survives a newer “auto”', () => {
    const [c] = queue(configure(0.5, 'wasm'), configure(0.2), configure(0.1));
    expect(c?.type === 'configure' && [c.backend, c.config.optimizer.learningRate]).toEqual(['wasm', 0.1]);
    const [d] = queue(configure(0.5, 'wasm'), configure(0.1, 'cpu'));
    expect(d?.type === 'configure' && d.backend).toBe('cpu');
  });

  it('a reset drops waiting resets, steps, run-tos, plays and pauses, but not a schedule, whose configuration it rebuilds', () => {
    expect(types(queue({ type: 'step' }, { type: 'schedule', config: base }, { type: 'runTo', step: 9 }, { type: 'play' }, { type: 'reset' }, { type: 'reset' }))).toEqual(['schedule', 'reset']);
  });

  it('a reset after a waiting configure is dropped: the configure gives a fresh run anyway', () => {
    expect(types(queue(configure(0.1), { type: 'play' }, { type: 'reset' }))).toEqual(['configure']);
  });

  it('only the newest run-to target is kept; steps and plays after a configure are kept', () => {
    const q = queue(configure(0.1), { type: 'runTo', step: 500 }, { type: 'step' }, { type: 'runTo', step: 20 });
    expect(q.map((c) => (c.type === 'runTo' ? `runTo ${c.step}` : c.type))).toEqual(['configure', 'step', 'runTo 20']);
    expect(types(queue(configure(0.1), { type: 'play' }))).toEqual(['configure', 'play']);
  });

  it('consecutive schedules and speeds merge; a schedule behind a step does not', () => {
    expect(types(queue({ type: 'schedule', config: base }, { type: 'schedule', config: base }))).toEqual(['schedule']);
    expect(types(queue({ type: 'schedule', config: base }, { type: 'step' }, { type: 'schedule', config: base }))).toEqual(['schedule', 'step', 'schedule']);
    expect(queue({ type: 'setSpeed', stepsPerSecond: 5 }, { type: 'setSpeed', stepsPerSecond: null })).toEqual([{ type: 'setSpeed', stepsPerSecond: null }]);
  });

  it('a waiting configure or reset means a build under way is stale', () => {
    expect(rebuildWaiting(queue({ type: 'play' }, { type: 'step' }))).toBe(false);
    expect(rebuildWaiting(queue({ type: 'reset' }))).toBe(true);
    expect(rebuildWaiting(queue(configure(0.1)))).toBe(true);
  });
});
