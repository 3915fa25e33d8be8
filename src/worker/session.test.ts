import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { parseConfig, type ExperimentConfig } from '../config/schema';
import { readMnistBytes } from '../engine/testing/fixtures';
import { tf } from '../engine/tf';
import type { Command, SessionEvent } from './protocol';
import { TrainingSession } from './session';
import { DIGITS_CONFIG, pollUntil, withLr, XOR_CONFIG } from './sessionTesting';

const config = XOR_CONFIG;
const mnist = DIGITS_CONFIG;

function session(fetchMnist: () => Promise<Uint8Array> = readMnistBytes) {
  const events: SessionEvent[] = [];
  const s = new TrainingSession({ emit: (e) => events.push(e), fetchMnist, backendOptions: {}, sliceMs: 5 });
  const until = pollUntil;
  const progress = () => events.filter((e) => e.type === 'progress');
  const lastStep = () => progress().at(-1)?.step ?? -1;
  const readies = () => events.filter((e): e is Extract<SessionEvent, { type: 'ready' }> => e.type === 'ready');
  const errors = () => events.filter((e): e is Extract<SessionEvent, { type: 'error' }> => e.type === 'error');
  /** Sends a command and waits for the progress event every applied command ends with. */
  const roundTrip = async (cmd: Command) => {
    const before = progress().length;
    s.handle(cmd);
    await until(() => progress().length > before, `the answer to ${cmd.type}`);
  };
  /**
   * Lets a training loop that should have stopped show that it did not: each round trip goes through the session's
   * queue behind any time slice already due, and every slice trains at least one step, so a loop still running
   * moves the step within these round trips however fast or slow the machine is.
   */
  const settle = async () => {
    for (let i = 0; i < 3; i++) await roundTrip({ type: 'setSpeed', stepsPerSecond: null });
  };
  /** Configures and waits for the run's first probe (the views' first picture). */
  const start = async (c: ExperimentConfig = config) => {
    s.handle({ type: 'configure', config: c, backend: 'cpu' });
    await until(() => events.some((e) => e.type === 'probe'), 'the first probe');
  };
  return { s, events, until, lastStep, readies, errors, roundTrip, settle, start };
}

describe('training session (the worker’s side of the protocol)', () => {
  it('a change from the current step keeps the run going, and replays exactly from a link that holds it', async () => {
    const withDrop = parseConfig({ ...config, schedule: [{ step: 10, set: { learningRate: 0.01, batchSize: 8 } }] });
    const finalProbe = (events: SessionEvent[]) => events.flatMap((e) => (e.type === 'probe' && e.snapshot.step === 20 ? [e.snapshot] : []))[0];
    // Live: train to 10, then apply the change from step 10 on, then on to 20.
    const live = session();
    live.s.handle({ type: 'configure', config, backend: 'cpu' });
    live.s.handle({ type: 'runTo', step: 10 });
    await live.until(() => live.events.some((e) => e.type === 'progress' && e.step === 10 && !e.playing));
    live.s.handle({ type: 'schedule', config: withDrop });
    live.s.handle({ type: 'runTo', step: 20 });
    await live.until(() => finalProbe(live.events) !== undefined);
    expect(live.readies()).toHaveLength(1);
    // Replayed: the same schedule from the start, as a link gives it.
    const replay = session();
    replay.s.handle({ type: 'configure', config: withDrop, backend: 'cpu' });
    replay.s.handle({ type: 'runTo', step: 20 });
    await replay.until(() => finalProbe(replay.events) !== undefined);
    const a = finalProbe(live.events)!.arms;
    const b = finalProbe(replay.events)!.arms;
    expect(a.map((x) => [x.trainLoss, x.testLoss])).toEqual(b.map((x) => [x.trainLoss, x.testLoss]));
    // And the change did something: without it the losses differ.
    const plain = session();
    plain.s.handle({ type: 'configure', config, backend: 'cpu' });
    plain.s.handle({ type: 'runTo', step: 20 });
    await plain.until(() => finalProbe(plain.events) !== undefined);
    expect(finalProbe(plain.events)!.arms[0]!.trainLoss).not.toBe(a[0]!.trainLoss);
  });

  it('configures, steps exactly one at a time, runs to a step and stops there, and resets to 0', async () => {
    const { s, events, until, lastStep, readies, settle, start } = session();
    await start();
    expect(readies()[0]!.backend.name).toBe('cpu');
    s.handle({ type: 'step' });
    await until(() => lastStep() === 1);
    s.handle({ type: 'runTo', step: 12 });
    await until(() => events.some((e) => e.type === 'progress' && e.step === 12 && !e.playing));
    await settle();
    expect(lastStep()).toBe(12);
    const probeSteps = events.flatMap((e) => (e.type === 'probe' ? [e.snapshot.step] : []));
    // The manual step at 1 is probed off the schedule, so the page shows that very step.
    expect(probeSteps).toEqual([0, 1, 5, 10, 12]);
    s.handle({ type: 'reset' });
    await until(() => readies().length === 2);
    await until(() => lastStep() === 0);
  });

  it('plays, and stays paused once paused', async () => {
    const { s, events, until, lastStep, settle, start } = session();
    await start();
    s.handle({ type: 'play' });
    await until(() => lastStep() >= 20);
    const sent = events.length;
    s.handle({ type: 'pause' });
    await until(() => events.slice(sent).some((e) => e.type === 'progress' && !e.playing));
    const paused = lastStep();
    expect(paused).toBeGreaterThanOrEqual(20);
    await settle();
    expect(lastStep()).toBe(paused);
    // The check can fail: the same round trips while playing see the step move.
    s.handle({ type: 'play' });
    await settle();
    expect(lastStep()).toBeGreaterThan(paused);
    s.handle({ type: 'pause' });
  });

  it('a change while playing stops the run on screen at once and says so; a play sent after it plays the new run', async () => {
    const { s, events, until, lastStep, readies, start } = session();
    await start();
    s.handle({ type: 'play' });
    await until(() => lastStep() >= 5);
    const oldRun = readies()[0]!.runId;
    const sent = events.length;
    s.handle({ type: 'configure', config: withLr(config, 0.2), backend: 'cpu' });
    // Before the rebuild is applied (it waits behind the queued slice), the page hears the old run stopped:
    // otherwise its Play button says Pause for a run that is going away, and a press of it pauses nothing.
    const first = events.slice(sent)[0];
    expect(first).toMatchObject({ type: 'progress', runId: oldRun, playing: false });
    s.handle({ type: 'play' });
    await until(() => readies().length === 2);
    const newRun = readies()[1]!.runId;
    await until(() => events.some((e) => e.type === 'progress' && e.runId === newRun && e.playing && e.step > 0), 'the new run playing');
    s.handle({ type: 'pause' });
  });

  it('twenty changes sent together build one run, the newest, in a task of its own', async () => {
    const { s, events, until, readies, settle, start } = session();
    await start();
    await settle();
    const tensors = tf.memory().numTensors;
    const rates = Array.from({ length: 20 }, (_, i) => 0.2 - i * 0.005);
    let timerRan = false;
    for (const lr of rates) s.handle({ type: 'configure', config: withLr(config, lr), backend: 'auto' });
    setTimeout(() => (timerRan = true), 0);
    const sent = events.length;
    await until(() => events.slice(sent).some((e) => e.type === 'probe'), 'the new run’s first probe');
    await settle();
    const built = readies().slice(1);
    expect(built.map((r) => r.arms[0]!.learningRate)).toEqual([rates.at(-1)]);
    // On the main thread a chain of builds in one task froze the page (5.7 s): the build waits for the event loop.
    expect(timerRan).toBe(true);
    // The old run and any build dropped half-way have freed their tensors: one run's worth is left.
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('a run being built is dropped when a newer change arrives, and only the newest is built', async () => {
    // The first download is held back until five more changes have arrived.
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    let downloads = 0;
    const { s, until, readies, settle } = session(async () => {
      downloads++;
      await held;
      return readMnistBytes();
    });
    s.handle({ type: 'configure', config: mnist, backend: 'cpu' });
    await until(() => downloads === 1, 'the download to start');
    const rates = [0.4, 0.3, 0.2, 0.1, 0.05];
    for (const lr of rates) s.handle({ type: 'configure', config: withLr(parseConfig({ ...mnist, seed: Math.round(lr * 100) }), lr), backend: 'auto' });
    release();
    await until(() => readies().length > 0, 'a run');
    await settle();
    expect(readies().map((r) => r.arms[0]!.learningRate)).toEqual([0.05]);
    expect(downloads).toBe(1);
  });

  it('a change that arrives while a new run takes its first probe drops that run unseen, and frees it', async () => {
    const { s, events, until, readies, settle, start } = session();
    await start();
    await settle();
    const tensors = tf.memory().numTensors;
    const sent = events.length;
    // Sent from inside the session's own announcement that it is probing run 2: it arrives during that probe.
    let interrupted = false;
    const emit = events.push.bind(events);
    events.push = (...es: SessionEvent[]) => {
      for (const e of es) {
        if (!interrupted && e.type === 'status' && e.phase === 'probe' && e.runId === 2) {
          interrupted = true;
          s.handle({ type: 'configure', config: withLr(config, 0.02), backend: 'auto' });
        }
      }
      return emit(...es);
    };
    s.handle({ type: 'configure', config: withLr(config, 0.3), backend: 'auto' });
    await until(() => events.slice(sent).some((e) => e.type === 'probe'), 'the new run’s first probe');
    await settle();
    expect(interrupted).toBe(true);
    expect(readies().slice(1).map((r) => [r.runId, r.arms[0]!.learningRate])).toEqual([[3, 0.02]]);
    expect(events.slice(sent).some((e) => e.runId === 2 && (e.type === 'probe' || e.type === 'progress'))).toBe(false);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('a reset or run-to that a newer command makes pointless is dropped unapplied', async () => {
    const { s, events, until, settle, start } = session();
    await start();
    const sent = events.length;
    const commands: Command[] = [{ type: 'runTo', step: 40 }, { type: 'reset' }, { type: 'runTo', step: 30 }, { type: 'configure', config: withLr(config, 0.05), backend: 'auto' }, { type: 'runTo', step: 10 }];
    commands.forEach((c) => s.handle(c));
    await until(() => events.some((e) => e.type === 'progress' && e.step === 10 && !e.playing), 'the run to stop at 10');
    await settle();
    const after = events.slice(sent);
    expect(after.filter((e) => e.type === 'ready').map((e) => e.type === 'ready' && e.arms[0]!.learningRate)).toEqual([0.05]);
    // Neither the first run nor the new one trained past 10.
    expect(Math.max(...after.map((e) => (e.type === 'progress' ? e.step : e.type === 'probe' ? e.snapshot.step : 0)))).toBe(10);
  });

  it('takes the digits’ bytes downloaded ahead (the worker’s entry) instead of downloading them; a failed one is reported, with the file, and Reset downloads anew', async () => {
    let downloads = 0;
    const { s, events, until, readies, errors } = session(async () => {
      downloads++;
      return readMnistBytes();
    });
    s.fetchedAhead(readMnistBytes());
    s.handle({ type: 'configure', config: mnist, backend: 'cpu' });
    await until(() => events.some((e) => e.type === 'probe'), 'the first probe');
    expect(downloads).toBe(0);

    const failed = session(async () => {
      downloads++;
      return readMnistBytes();
    });
    failed.s.fetchedAhead(Promise.reject(new TypeError('Failed to fetch')));
    // Failed before any load took it: reported by the load, not as an unhandled rejection meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 0));
    failed.s.handle({ type: 'configure', config: mnist, backend: 'cpu' });
    await failed.until(() => failed.errors().length === 1, 'the error');
    expect(failed.errors()[0]!.message).toMatch(/MNIST digits \(mnist\.bin\): Failed to fetch/);
    failed.s.handle({ type: 'reset' });
    await failed.until(() => failed.readies().length === 1, 'the run');
    expect(downloads).toBe(1);
    expect([readies().length, errors().length]).toEqual([1, 0]);
  });

  it('Reset retries a download that failed, whose error names the file; later seed and network changes need no download', async () => {
    const net = { offline: true, downloads: 0 };
    const { s, events, until, readies, errors } = session(async () => {
      net.downloads++;
      if (net.offline) throw new TypeError('Failed to fetch');
      return readMnistBytes();
    });
    s.handle({ type: 'configure', config: mnist, backend: 'cpu' });
    await until(() => errors().length === 1, 'the error');
    expect(errors()[0]!.message).toMatch(/MNIST digits \(mnist\.bin\): Failed to fetch/);
    // Still offline: Reset tries again, and fails again.
    s.handle({ type: 'reset' });
    await until(() => errors().length === 2, 'the second error');
    expect(readies()).toHaveLength(0);
    net.offline = false;
    s.handle({ type: 'reset' });
    await until(() => events.some((e) => e.type === 'probe'), 'the first probe');
    expect(readies()).toHaveLength(1);
    // Offline again: a new seed, a deeper network and a CNN all train on the digits already loaded.
    net.offline = true;
    const changes = [parseConfig({ ...mnist, seed: 7 }), parseConfig({ ...mnist, seed: 7, model: { kind: 'mlp', depth: 2, width: 6 } }), parseConfig({ ...mnist, seed: 7, model: { kind: 'cnn', depth: 1, width: 2 } })];
    for (const c of changes) {
      const n = readies().length;
      s.handle({ type: 'configure', config: c, backend: 'auto' });
      await until(() => readies().length === n + 1, 'the new run');
    }
    expect(readies().at(-1)!.inputShape).toEqual([28, 28, 1]);
    expect(errors()).toHaveLength(2);
    expect(net.downloads).toBe(3);
    // The seed and depth changes had nothing to wait for; the CNN only for the digits laid out as images.
    const waited = events.flatMap((e) => (e.type === 'status' && e.phase === 'data' ? [e.runId] : []));
    expect(waited.filter((id) => id > readies()[0]!.runId)).toEqual([readies().at(-1)!.runId]);
  });
});
