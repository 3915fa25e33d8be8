import { tf, type Tensor } from '../tf';

/**
 * Named read-back. A probe's measurements each register the tensors they need under a name of their own
 * ("layer2.ics.l2"); all of them are then concatenated and read with ONE `data()` call (on WebGL each read-back
 * stalls the pipeline, so one large read beats many small ones), and each measurement takes its values back by
 * name. A measurement added, removed or reordered cannot shift another's numbers: a name read but never
 * registered, registered twice, or registered and never read throws.
 */

/** Where one named tensor's values sit in the concatenated read-back. */
interface Slot {
  readonly offset: number;
  readonly size: number;
}

/** Collects named tensors inside a tf.tidy; `readBack` owns its lifetime. */
export class ReadbackCollector {
  private readonly tensors: Tensor[] = [];
  /** Tensors kept past an inner scope (a gradient's), freed after the read-back. */
  readonly kept: Tensor[] = [];
  private readonly slots = new Map<string, Slot>();
  private size = 0;

  /** Registers `t` (any shape; read back flattened, row-major, as float32) under `name`, which must be new. */
  put(name: string, t: Tensor): void {
    if (this.slots.has(name)) throw new Error(`read-back: "${name}" is registered twice`);
    this.slots.set(name, { offset: this.size, size: t.size });
    this.size += t.size;
    this.tensors.push(tf.reshape(t.dtype === 'float32' ? t : tf.cast(t, 'float32'), [-1]));
  }

  /**
   * Keeps `t` alive past the scope it was made in (tf.valueAndGrads frees what its function makes), until the
   * read-back is done: a measurement can then use what the gradient's forward pass computed instead of a second pass.
   */
  keep<T extends Tensor>(t: T): T {
    this.kept.push(t);
    return tf.keep(t);
  }

  /** The one tensor to read: every registered tensor, flattened, end to end. Call inside the tidy. */
  concatenated(): Tensor {
    return this.tensors.length === 0 ? tf.zeros([0]) : this.tensors.length === 1 ? this.tensors[0]! : tf.concat(this.tensors);
  }

  layout(): ReadonlyMap<string, Slot> {
    return this.slots;
  }
}

/** The values of a read-back, by name. Each name is read once; `assertAllRead` finds names nobody read. */
export class Readback {
  private readonly unread: Set<string>;

  constructor(
    private readonly data: Float32Array,
    private readonly slots: ReadonlyMap<string, Slot>,
  ) {
    this.unread = new Set(slots.keys());
  }

  private slot(name: string): Slot {
    const s = this.slots.get(name);
    if (!s) throw new Error(`read-back: "${name}" was never registered`);
    if (!this.unread.delete(name)) throw new Error(`read-back: "${name}" is read twice`);
    return s;
  }

  /** A copy with a buffer of its own (what leaves the probe: the worker transfers each buffer once). */
  array(name: string): Float32Array {
    const s = this.slot(name);
    return this.data.slice(s.offset, s.offset + s.size);
  }

  /** A view into the shared buffer, for values reduced on the CPU and then dropped (no copy). */
  view(name: string): Float32Array {
    const s = this.slot(name);
    return this.data.subarray(s.offset, s.offset + s.size);
  }

  scalar(name: string): number {
    const s = this.slot(name);
    if (s.size !== 1) throw new Error(`read-back: "${name}" holds ${s.size} values, not one`);
    return this.data[s.offset]!;
  }

  /** Throws naming every registered tensor nobody read: a measurement that registers more than it uses. */
  assertAllRead(): void {
    if (this.unread.size > 0) throw new Error(`read-back: registered but never read: ${[...this.unread].join(', ')}`);
  }
}

/**
 * Runs `measure` inside one tf.tidy, where it registers named tensors with the collector, reads them all back with
 * one `data()` call, and returns the values with whatever `measure` returned (plain data only: tensors made inside
 * are freed with the tidy). No tensor outlives the call.
 */
export async function readBack<T>(measure: (c: ReadbackCollector) => T): Promise<{ values: Readback; result: T }> {
  const collector = new ReadbackCollector();
  let result: T | undefined;
  let flat: Tensor;
  try {
    flat = tf.tidy(() => {
      result = measure(collector);
      return collector.concatenated();
    });
  } catch (e) {
    tf.dispose(collector.kept);
    throw e;
  }
  try {
    const data = (await flat.data()) as Float32Array;
    return { values: new Readback(data, collector.layout()), result: result as T };
  } finally {
    flat.dispose();
    tf.dispose(collector.kept);
  }
}
