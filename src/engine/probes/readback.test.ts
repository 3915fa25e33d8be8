import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { readBack } from './readback';

describe.each(['cpu', 'wasm'])('named read-back (%s)', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('gives each measurement its own values by name, whatever the order they are read in', async () => {
    const { values, result } = await readBack((c) => {
      c.put('b.matrix', tf.tensor2d([[1, 2, 3], [4, 5, 6]]));
      c.put('a.scalar', tf.scalar(7));
      c.put('c.counts', tf.tensor1d([1, 2], 'int32'));
      return 'plain data';
    });
    expect(result).toBe('plain data');
    expect(values.scalar('a.scalar')).toBe(7);
    expect(Array.from(values.array('c.counts'))).toEqual([1, 2]);
    expect(Array.from(values.view('b.matrix'))).toEqual([1, 2, 3, 4, 5, 6]);
    values.assertAllRead();
  });

  it('reads everything with one data() call, and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const source = tf.tensor1d([0.5, 0.25]);
    const variable = tf.variable(source, false);
    source.dispose();
    const reads: number[] = [];
    const original = tf.Tensor.prototype.data;
    tf.Tensor.prototype.data = function (this: tf.Tensor) {
      reads.push(this.size);
      return original.call(this) as never;
    };
    try {
      const { values } = await readBack((c) => {
        c.put('x', tf.mul(tf.ones([4]), 3));
        c.put('v', variable);
      });
      expect(reads).toEqual([6]);
      expect(Array.from(values.array('v'))).toEqual([0.5, 0.25]);
      expect(Array.from(values.array('x'))).toEqual([3, 3, 3, 3]);
    } finally {
      tf.Tensor.prototype.data = original;
    }
    // The variable a measurement registered survives the read-back; nothing else does.
    expect(Array.from(variable.dataSync())).toEqual([0.5, 0.25]);
    variable.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('copies arrays into buffers of their own (each is transferred once), and views without copying', async () => {
    const { values } = await readBack((c) => {
      c.put('p', tf.tensor1d([1, 2]));
      c.put('q', tf.tensor1d([3, 4]));
      c.put('r', tf.tensor1d([5]));
    });
    const p = values.array('p');
    const q = values.view('q');
    expect(p.buffer).not.toBe(q.buffer);
    expect(p.byteOffset).toBe(0);
    expect(p.buffer.byteLength).toBe(8);
    expect(Array.from(q)).toEqual([3, 4]);
    expect(values.scalar('r')).toBe(5);
  });

  it('throws on a name registered twice, read but never registered, read twice, or registered and never read', async () => {
    await expect(
      readBack((c) => {
        c.put('dup', tf.scalar(1));
        c.put('dup', tf.scalar(2));
      }),
    ).rejects.toThrow(/"dup" is registered twice/);
    const { values } = await readBack((c) => {
      c.put('used', tf.scalar(1));
      c.put('extra', tf.scalar(2));
      c.put('pair', tf.tensor1d([1, 2]));
    });
    expect(() => values.scalar('missing')).toThrow(/"missing" was never registered/);
    expect(values.scalar('used')).toBe(1);
    expect(() => values.scalar('used')).toThrow(/"used" is read twice/);
    expect(() => values.scalar('pair')).toThrow(/"pair" holds 2 values, not one/);
    expect(() => values.assertAllRead()).toThrow(/never read: extra$/);
  });

  it('keeps what a measurement holds past an inner scope until the read-back is done, then frees it', async () => {
    const before = tf.memory().numTensors;
    let held: tf.Tensor | null = null;
    const { values } = await readBack((c) => {
      // As tf.valueAndGrads does: an inner tidy frees what its function made, unless kept.
      tf.tidy(() => {
        held = c.keep(tf.mul(tf.ones([2]), 4));
      });
      c.put('sum', tf.sum(held!));
    });
    expect(values.scalar('sum')).toBe(8);
    expect(held!.isDisposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    await expect(
      readBack((c) => {
        c.keep(tf.ones([3]));
        throw new Error('after keeping');
      }),
    ).rejects.toThrow('after keeping');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('frees the tensors of a measurement that throws, and of an empty read-back', async () => {
    const before = tf.memory().numTensors;
    await expect(
      readBack((c) => {
        c.put('a', tf.ones([3]));
        throw new Error('measurement failed');
      }),
    ).rejects.toThrow('measurement failed');
    const { values } = await readBack(() => undefined);
    values.assertAllRead();
    expect(tf.memory().numTensors).toBe(before);
  });
});
