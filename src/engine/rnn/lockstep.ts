import { tf, type Scalar, type Tensor } from '../tf';
import { BatchSampler } from '../batches';
import type { Dataset } from '../data/types';
import { createOptimizer, type Optimizer } from '../optimizers';
import { rowsOf } from './cell';
import { RNN_NORMS, type RnnConfig, type RnnNorm } from './config';
import { createArm, disposeArm, evaluateArm, initialWeights, trainArmStep, trainingLoss, type EvaluationTensors, type RnnArmState, type RnnShape } from './train';

/** One arm at one probe: plain numbers, ready to post to the page or write as JSON. */
export interface RnnArmProbe {
  norm: RnnNorm;
  /** Mean training loss over the batches since the previous probe (training mode); at step 0, the first batch's. */
  trainLoss: number;
  /** On the first `testSize` test digits, batch norm in inference mode. */
  testLoss: number;
  testAccuracy: number;
  /** Per time step (row 1 … 28), over those digits and the hidden units: a_t's mean and std, and the tanh input's. */
  preMean: number[];
  preStd: number[];
  inMean: number[];
  inStd: number[];
}

export interface RnnProbe {
  step: number;
  arms: RnnArmProbe[];
}

/**
 * Three tanh RNNs (no norm, layer norm, per-step batch norm) trained in lockstep: the same initial weights, the
 * same mini-batches in the same order, the same optimizer settings. Deterministic from the seed on a given backend.
 * MNIST only: each digit is read as 28 rows of 28 pixels.
 */
export class RnnLockstep {
  readonly arms: RnnArmState[];
  readonly shape: RnnShape;
  private readonly sampler: BatchSampler;
  private readonly optimizer: Optimizer;
  private readonly testX: Tensor;
  private readonly testY: Tensor;
  private stepCount = 0;
  /** Per arm, the sum of the training losses since the last probe, and how many. */
  private lossSums: (Tensor | null)[];
  private lossCount = 0;

  constructor(
    readonly config: RnnConfig,
    private readonly data: Dataset,
    readonly norms: readonly RnnNorm[] = RNN_NORMS,
  ) {
    const [pixels] = data.inputShape;
    if (data.inputShape.length !== 1 || pixels !== 784) throw new Error(`the RNN reads 28×28 digits as rows; got inputs of shape [${data.inputShape.join(', ')}]`);
    this.shape = { input: 28, hidden: config.hidden, classes: data.numClasses, steps: 28 };
    this.sampler = new BatchSampler(data.numTrain, config.batchSize, config.seed);
    this.optimizer = createOptimizer({ kind: 'adam', learningRate: config.learningRate, momentum: 0.9, beta1: 0.9, beta2: 0.999 });
    const weights = initialWeights(this.shape, config.seed);
    this.arms = norms.map((norm) => createArm(norm, this.shape, weights, config.gamma, this.optimizer));
    const n = Math.min(config.testSize, data.numTest);
    this.testX = tf.tensor2d(data.testX.subarray(0, n * 784), [n, 784]);
    this.testY = tf.tensor1d(Int32Array.from(data.testY.subarray(0, n)), 'int32');
    this.lossSums = this.arms.map(() => null);
  }

  get step(): number {
    return this.stepCount;
  }

  private batch(indices: Int32Array): { x: Tensor; y: Tensor } {
    const x = new Float32Array(indices.length * 784);
    const y = new Int32Array(indices.length);
    indices.forEach((i, k) => {
      x.set(this.data.trainX.subarray(i * 784, (i + 1) * 784), k * 784);
      y[k] = this.data.trainY[i]!;
    });
    return { x: tf.tensor2d(x, [indices.length, 784]), y: tf.tensor1d(y, 'int32') };
  }

  /** One step of every arm on the same batch. */
  trainStep(): void {
    const { x, y } = this.batch(this.sampler.next());
    const sequence = rowsOf(x, this.shape.steps);
    const { config } = this;
    this.arms.forEach((arm, i) => {
      const loss = trainArmStep(arm, sequence, y, {
        optimizer: this.optimizer,
        stepIndex: this.stepCount,
        learningRate: config.learningRate,
        clipNorm: config.clipNorm,
        epsilon: config.epsilon,
        momentum: config.momentum,
        classes: this.shape.classes,
      });
      const sum = this.lossSums[i];
      this.lossSums[i] = sum ? tf.tidy(() => tf.add(sum, loss)) : loss;
      if (sum) tf.dispose([sum, loss]);
    });
    this.lossCount++;
    tf.dispose([x, y, sequence]);
    this.stepCount++;
  }

  /** The arms measured now, with one read-back for all of them. */
  async probe(): Promise<RnnProbe> {
    const { config } = this;
    const evaluations: EvaluationTensors[] = [];
    const trainLosses: Scalar[] = [];
    const testRows = rowsOf(this.testX, this.shape.steps);
    let first: { x: Tensor; y: Tensor; xs: Tensor } | null = null;
    for (const [i, arm] of this.arms.entries()) {
      evaluations.push(evaluateArm(arm, testRows, this.testY, config.epsilon, this.shape.classes));
      const sum = this.lossSums[i];
      if (sum) trainLosses.push(tf.tidy(() => tf.div(sum, this.lossCount)) as Scalar);
      else {
        // Step 0: no batch trained on yet, so the loss of the batch the first step will take.
        if (!first) {
          const b = this.batch(this.sampler.peek());
          first = { ...b, xs: rowsOf(b.x, this.shape.steps) };
        }
        trainLosses.push(trainingLoss(arm, first.xs, first.y, config.epsilon, this.shape.classes));
      }
    }
    const T = this.shape.steps;
    // One read-back: per arm [train loss, test loss, accuracy, preMean(T), preStd(T), inMean(T), inStd(T)].
    const packed = tf.tidy(() =>
      tf.concat(evaluations.flatMap((e, i) => [tf.reshape(trainLosses[i]!, [1]), tf.reshape(e.loss, [1]), tf.reshape(e.accuracy, [1]), e.preMean, e.preStd, e.inMean, e.inStd])),
    );
    tf.dispose([testRows, ...trainLosses, ...evaluations.flatMap((e) => Object.values(e) as Tensor[])]);
    if (first) tf.dispose([first.x, first.y, first.xs]);
    const values = await packed.data();
    packed.dispose();
    tf.dispose(this.lossSums.filter((s): s is Tensor => s !== null));
    this.lossSums = this.arms.map(() => null);
    this.lossCount = 0;
    const per = 3 + 4 * T;
    const arms = this.arms.map((arm, i): RnnArmProbe => {
      const v = Array.from(values.subarray(i * per, (i + 1) * per));
      return {
        norm: arm.norm,
        trainLoss: v[0]!,
        testLoss: v[1]!,
        testAccuracy: v[2]!,
        preMean: v.slice(3, 3 + T),
        preStd: v.slice(3 + T, 3 + 2 * T),
        inMean: v.slice(3 + 2 * T, 3 + 3 * T),
        inStd: v.slice(3 + 3 * T, 3 + 4 * T),
      };
    });
    return { step: this.stepCount, arms };
  }

  dispose(): void {
    this.arms.forEach(disposeArm);
    tf.dispose([this.testX, this.testY, ...this.lossSums.filter((s): s is Tensor => s !== null)]);
    this.lossSums = this.arms.map(() => null);
  }
}

/**
 * Trains `steps` steps with a probe at step 0, every `probeEvery` steps and at the end; `onProbe` sees each probe
 * as it is made. Yields to the event loop after each probe (and `shouldStop` is asked before each step), so a
 * worker can take messages in between.
 */
export async function runRnn(
  trainer: RnnLockstep,
  steps: number,
  onProbe: (probe: RnnProbe) => void,
  shouldStop: () => boolean = () => false,
): Promise<void> {
  if (trainer.step === 0) onProbe(await trainer.probe());
  while (trainer.step < steps && !shouldStop()) {
    trainer.trainStep();
    if (trainer.step % trainer.config.probeEvery === 0 || trainer.step === steps) onProbe(await trainer.probe());
  }
}
