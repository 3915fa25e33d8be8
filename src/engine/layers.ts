import { tf, type Tensor } from './tf';

/**
 * y = x·W with its gradient written out, ∂ℓ/∂x = ∂ℓ/∂y·Wᵀ and ∂ℓ/∂W = xᵀ·∂ℓ/∂y, using explicit transposes.
 * tfjs's own MatMul gradient passes transpose flags, which the wasm backend runs on a slow path: 7–8 ms instead
 * of 1 ms for a [60,784]ᵀ×[60,100] product on this machine (measured), and those two products are most of a step.
 */
export function dense(x: Tensor, w: Tensor, { inputGrad = true }: { inputGrad?: boolean } = {}): Tensor {
  const op = tf.customGrad((xIn, wIn, save) => {
    const xt = xIn as tf.Tensor2D;
    const wt = wIn as tf.Tensor2D;
    (save as (ts: Tensor[]) => void)([xt, wt]);
    return {
      value: tf.matMul(xt, wt),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
        // The first layer's input is the data: its gradient is never used, so skip that product.
        const dx = inputGrad ? tf.matMul(dy as tf.Tensor2D, tf.transpose(ws)) : tf.zerosLike(xs);
        return [dx, tf.matMul(tf.transpose(xs), dy as tf.Tensor2D)];
      },
    };
  });
  return op(x, w);
}

/** 'same' padding of TensorFlow for a 3×3 kernel: the total padding, with the odd pixel at the end. */
export function samePadding(size: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + 3 - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * 3×3 convolution, NHWC, stride 1 or 2, TensorFlow's 'same' padding, with its gradient written out, because the
 * wasm backend has no Conv2DBackpropFilter kernel (tfjs's autodiff of conv2d fails there):
 *   ∂ℓ/∂x = the transposed convolution of ∂ℓ/∂y with W (Conv2DBackpropInput, which every backend has);
 *   ∂ℓ/∂W[a,b,i,o] = Σ_{n,p,q} x_pad[n, a + s·p, b + s·q, i] · ∂ℓ/∂y[n,p,q,o], which is itself a convolution: of
 *   x_pad with the batch as channels, [in, H, W, batch], by ∂ℓ/∂y as a [outH, outW, batch, out] filter dilated
 *   by the stride, giving [in, 3, 3, out]. (An im2col formulation was tried first: wasm's slices and concats
 *   made it 30× slower.)
 */
export function conv3x3(x: Tensor, w: Tensor, stride: 1 | 2, { inputGrad = true }: { inputGrad?: boolean } = {}): Tensor {
  const op = tf.customGrad((xIn, wIn, save) => {
    const xt = xIn as tf.Tensor4D;
    const wt = wIn as tf.Tensor4D;
    (save as (ts: Tensor[]) => void)([xt, wt]);
    return {
      value: tf.conv2d(xt, wt, stride, 'same'),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const g = dy as tf.Tensor4D;
        const [, h, wd] = xs.shape;
        const dx = inputGrad ? tf.conv2dTranspose(g, ws, xs.shape, stride, 'same') : tf.zerosLike(xs);
        const padded = tf.pad(xs, [[0, 0], samePadding(h, stride), samePadding(wd, stride), [0, 0]]);
        const dw = tf.transpose(
          tf.conv2d(tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D, tf.transpose(g, [1, 2, 0, 3]) as tf.Tensor4D, 1, 'valid', 'NHWC', stride),
          [1, 2, 0, 3],
        );
        return [dx, dw];
      },
    };
  });
  return op(x, w);
}
