/**
 * The one place the engine imports TensorFlow.js from. tfjs-core alone registers no gradients (tf.grads throws
 * "gradient function not found"), so the registration side effect lives here, next to the import every engine
 * module uses.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Tensor4D, Scalar, Variable, Rank } from '@tensorflow/tfjs-core';
