import { tf, type Tensor } from '../tf';
import type { BatchPass } from './gradients';
import type { ProbedNetwork } from './network';
import type { Readback, ReadbackCollector } from './readback';
import type { LossLandscape } from './types';
import { LANDSCAPE_MULTIPLIERS } from './landscapeSteps';

export { LANDSCAPE_MULTIPLIERS };

/** ‖list‖₂ over a list of tensors, as one vector. */
function globalNorm(list: readonly Tensor[]): Tensor {
  return tf.sqrt(tf.addN(list.map((t) => tf.sum(tf.square(t)))));
}

/**
 * The loss landscape along the gradient of the probe step's mini-batch: for each step size η_k = rate·k, the loss
 * and the gradient at w − η_k g, g = ∇L(w) (the batch pass's gradient, every parameter). Costs one forward and
 * backward pass per step size. Call inside the read-back's tidy.
 */
export function measureLandscape(
  c: ReadbackCollector,
  name: string,
  net: ProbedNetwork,
  pass: BatchPass,
  learningRate: number,
  multipliers: readonly number[] = LANDSCAPE_MULTIPLIERS,
): (r: Readback) => LossLandscape {
  const stepSizes = Float32Array.from([...multipliers].sort((a, b) => a - b), (k) => learningRate * k);
  const g = pass.grads;
  const losses: Tensor[] = [];
  const changes: Tensor[] = [];
  for (const eta of stepSizes) {
    const moved = net.params.map((p, i) => tf.sub(p, tf.mul(g[i]!, eta)));
    const { value, grads } = tf.valueAndGrads((...ps: Tensor[]) => pass.lossAt(ps))(moved);
    losses.push(value);
    changes.push(globalNorm(g.map((gi, i) => tf.sub(gi, grads[i]!))));
  }
  c.put(`${name}.loss`, tf.stack(losses));
  c.put(`${name}.gradientChange`, tf.stack(changes));
  c.put(`${name}.lossHere`, pass.loss);
  c.put(`${name}.gradNorm`, globalNorm(g));
  return (r) => {
    const loss = r.array(`${name}.loss`);
    const gradientChange = r.array(`${name}.gradientChange`);
    const lossHere = r.scalar(`${name}.lossHere`);
    const gradNorm = r.scalar(`${name}.gradNorm`);
    // ‖Δw‖ = η_k‖g‖ exactly; the ratio in float64 (NaN for g = 0: no direction to move in).
    const beta = gradNorm > 0 ? Math.max(...Array.from(gradientChange, (d, k) => d / (stepSizes[k]! * gradNorm))) : NaN;
    return {
      stepSizes,
      loss,
      gradientChange,
      lossHere,
      gradNorm,
      lossRange: [Math.min(lossHere, ...loss), Math.max(lossHere, ...loss)],
      gradientChangeRange: [Math.min(...gradientChange), Math.max(...gradientChange)],
      betaSmoothness: beta,
    };
  };
}
