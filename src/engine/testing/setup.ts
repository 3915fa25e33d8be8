import { tf } from '../tf';

// Tests run in Node on the cpu and wasm backends: silence tfjs's "install tfjs-node" banner.
tf.env().set('PROD', true);
