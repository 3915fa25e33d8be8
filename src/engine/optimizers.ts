import type { ExperimentConfig } from '../config/schema';
import { tf, type Tensor } from './tf';

/**
 * Optimizers as pure functions of (parameters, gradients, state) → (new parameters, new state), so the trainer
 * can also ask "where would this step move the earlier layers?" without taking it: that is how internal
 * covariate shift is measured (Santurkar et al. 2018, §2.2).
 */
export interface OptimizerStep {
  params: Tensor[];
  state: Tensor[];
}

export interface Optimizer {
  /** Creates the zero state for these parameters. */
  init(params: readonly Tensor[]): Tensor[];
  /** New tensors for the parameters and the state; the inputs are left alone (the caller disposes). */
  step(params: readonly Tensor[], grads: readonly Tensor[], state: readonly Tensor[], stepIndex: number, lr: number): OptimizerStep;
}

export function createOptimizer(cfg: ExperimentConfig['optimizer']): Optimizer {
  switch (cfg.kind) {
    case 'sgd':
      // θ ← θ − η g
      return {
        init: () => [],
        step: (params, grads, _state, _t, lr) => ({ params: params.map((p, i) => tf.sub(p, tf.mul(grads[i]!, lr))), state: [] }),
      };
    case 'momentum':
      // v ← μ v + g;  θ ← θ − η v   (PyTorch's heavy-ball form)
      return {
        init: (params) => params.map((p) => tf.zerosLike(p)),
        step: (params, grads, state, _t, lr) => {
          const v = state.map((s, i) => tf.add(tf.mul(s, cfg.momentum), grads[i]!));
          return { params: params.map((p, i) => tf.sub(p, tf.mul(v[i]!, lr))), state: v };
        },
      };
    case 'adam': {
      // m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − η m̂/(√v̂ + 1e-8)  (Kingma & Ba 2015)
      const { beta1, beta2 } = cfg;
      return {
        init: (params) => [...params.map((p) => tf.zerosLike(p)), ...params.map((p) => tf.zerosLike(p))],
        step: (params, grads, state, t, lr) => {
          const n = params.length;
          const m = grads.map((g, i) => tf.add(tf.mul(state[i]!, beta1), tf.mul(g, 1 - beta1)));
          const v = grads.map((g, i) => tf.add(tf.mul(state[n + i]!, beta2), tf.mul(tf.square(g), 1 - beta2)));
          const c1 = 1 - beta1 ** (t + 1);
          const c2 = 1 - beta2 ** (t + 1);
          const next = params.map((p, i) => tf.sub(p, tf.mul(tf.div(tf.div(m[i]!, c1), tf.add(tf.sqrt(tf.div(v[i]!, c2)), 1e-8)), lr)));
          return { params: next, state: [...m, ...v] };
        },
      };
    }
  }
}
