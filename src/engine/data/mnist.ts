/**
 * MNIST from public/data/mnist.bin (written by scripts/convert-mnist.mjs): 10,000 digits, already shuffled,
 * the first numTrain for training and the rest for testing.
 *
 * Only web-standard APIs, so the same code runs on the main thread, in the worker and in Node (CLI, tests);
 * the caller injects how the bytes are fetched.
 */
import type { Dataset } from './types';

/** ASCII, the first four bytes of the file. */
const MAGIC = 'BNMX';
const VERSION = 1;
const HEADER_BYTES = 24;

export interface ParsedMnist {
  /** count × rows × cols bytes, 0–255, row by row. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
  numTrain: number;
  /**
   * The pixels scaled to [0, 1] once (scaleMnist), for every dataset built from this file whatever its layout: they
   * then share these arrays, which no consumer writes to. Absent: each dataset scales its own.
   */
  scaled?: { train: Float32Array; test: Float32Array };
}

export interface MnistOptions {
  /** 'flat' gives inputShape [784] for dense nets, 'image' gives [28, 28, 1] for conv nets. */
  layout?: 'flat' | 'image';
}

/** Parses the uncompressed file; throws on anything that is not a complete version-1 file. */
export function parseMnistBinary(raw: Uint8Array): ParsedMnist {
  if (raw.length < HEADER_BYTES) {
    throw new Error(`mnist.bin: ${raw.length} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  }
  const magic = String.fromCharCode(raw[0]!, raw[1]!, raw[2]!, raw[3]!);
  if (magic !== MAGIC) {
    throw new Error(`mnist.bin: bad magic ${JSON.stringify(magic)}, expected "${MAGIC}" (is it still gzipped?)`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const version = view.getUint32(4, true);
  if (version !== VERSION) throw new Error(`mnist.bin: unsupported version ${version}, expected ${VERSION}`);
  const count = view.getUint32(8, true);
  const rows = view.getUint32(12, true);
  const cols = view.getUint32(16, true);
  const numTrain = view.getUint32(20, true);
  if (count === 0 || rows === 0 || cols === 0 || numTrain > count) {
    throw new Error(`mnist.bin: inconsistent header (count ${count}, ${rows}×${cols}, numTrain ${numTrain})`);
  }
  const expected = HEADER_BYTES + count + count * rows * cols;
  if (raw.length !== expected) {
    throw new Error(`mnist.bin: ${raw.length} bytes, expected ${expected} for ${count} digits of ${rows}×${cols} (truncated?)`);
  }
  const labels = raw.subarray(HEADER_BYTES, HEADER_BYTES + count);
  const badLabel = labels.findIndex((l) => l > 9);
  if (badLabel >= 0) throw new Error(`mnist.bin: label ${labels[badLabel]} at index ${badLabel} is not a digit`);
  return { images: raw.subarray(HEADER_BYTES + count), labels, count, rows, cols, numTrain };
}

/** Decompresses gzip with the web-standard DecompressionStream (browsers, workers, Node ≥ 18). */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new DecompressionStream('gzip');
  const writer = stream.writable.getWriter();
  // The input is copied into a fresh ArrayBuffer-backed array: the stream may not accept shared or detached views.
  const writing = writer.write(new Uint8Array(bytes)).then(() => writer.close());
  const reader = stream.readable.getReader();
  const reading = (async () => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
    }
    const out = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  })();
  // Awaiting both together means a corrupt input rejects once, with no unhandled rejection left behind.
  const [, out] = await Promise.all([writing, reading]);
  return out;
}

/**
 * The file's pixels scaled to [0, 1], training and test apart (separate buffers, so a consumer can transfer one to a
 * worker without detaching the other): the same for every layout, so done once per file.
 */
export function scaleMnist(parsed: ParsedMnist): ParsedMnist {
  if (parsed.scaled) return parsed;
  const { images, numTrain, rows, cols } = parsed;
  const toUnit = (bytes: Uint8Array): Float32Array => {
    const out = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) out[i] = bytes[i]! / 255;
    return out;
  };
  const split = numTrain * rows * cols;
  return { ...parsed, scaled: { train: toUnit(images.subarray(0, split)), test: toUnit(images.subarray(split)) } };
}

/** Builds the dataset, scaling pixels to [0, 1] (unless the file's are scaled already: scaleMnist). */
export function mnistDataset(parsed: ParsedMnist, opts: MnistOptions = {}): Dataset {
  const { labels, count, rows, cols, numTrain } = parsed;
  const pixels = rows * cols;
  const { train, test } = scaleMnist(parsed).scaled!;
  const inputShape = opts.layout === 'image' ? [rows, cols, 1] : [pixels];
  return {
    name: 'mnist',
    inputShape,
    numClasses: 10,
    trainX: train,
    trainY: labels.slice(0, numTrain),
    testX: test,
    testY: labels.slice(numTrain),
    numTrain,
    numTest: count - numTrain,
  };
}

/** Fetches the gzipped file with the injected function, then decompresses, parses and builds the dataset. */
export async function loadMnist(fetchBytes: () => Promise<Uint8Array>, opts: MnistOptions = {}): Promise<Dataset> {
  return mnistDataset(parseMnistBinary(await gunzip(await fetchBytes())), opts);
}
