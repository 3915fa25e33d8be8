import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfigInput } from '../../config/schema';
import { readMnistBytes } from '../testing/fixtures';
import { DatasetLoader, datasetKey, readMnist } from './load';

const mnist = (patch: ExperimentConfigInput = {}) => parseConfig({ dataset: { name: 'mnist', noise: 0 }, model: { kind: 'mlp', depth: 2, width: 16 }, ...patch });

/** A fetcher that counts its calls and fails while `offline` says so, as the browser's fetch does. */
function network() {
  const net = { calls: 0, offline: false, fetch: async () => {
    net.calls++;
    if (net.offline) throw new TypeError('Failed to fetch');
    return readMnistBytes();
  } };
  return net;
}

describe('the dataset loader', () => {
  it('downloads MNIST once, whatever the seed, depth, width or architecture, and then works offline', async () => {
    const net = network();
    const loader = new DatasetLoader(net.fetch);
    const flat = await loader.load(mnist());
    expect(flat.inputShape).toEqual([784]);
    net.offline = true;
    const changes = [
      mnist({ seed: 2 }),
      mnist({ seed: 3, model: { kind: 'mlp', depth: 4, width: 32 } }),
      mnist({ seed: 3, model: { kind: 'cnn', depth: 2, width: 8 } }),
      mnist({ seed: 4, model: { kind: 'mlp', depth: 1, width: 8 } }),
    ];
    for (const c of changes) await loader.load(c);
    const image = await loader.load(changes[2]!);
    expect(image.inputShape).toEqual([28, 28, 1]);
    // The same digits in both layouts (compared as bytes: a deep equality of 6 million floats takes minutes).
    expect(Buffer.from(image.trainX.buffer).equals(Buffer.from(flat.trainX.buffer))).toBe(true);
    expect(net.calls).toBe(1);
  });

  it('keys MNIST by its layout only, and a 2-D set by its seed and noise', () => {
    expect(datasetKey(mnist({ seed: 9 }))).toBe(datasetKey(mnist({ seed: 1, model: { kind: 'mlp', depth: 5, width: 3 } })));
    expect(datasetKey(mnist())).not.toBe(datasetKey(mnist({ model: { kind: 'cnn', depth: 2, width: 8 } })));
    const spirals = (seed: number, noise: number) => parseConfig({ dataset: { name: 'spirals', noise }, seed });
    expect(datasetKey(spirals(1, 0.1))).not.toBe(datasetKey(spirals(2, 0.1)));
    expect(datasetKey(spirals(1, 0.1))).not.toBe(datasetKey(spirals(1, 0.2)));
  });

  it('names the file when the download fails, keeps no failure, and loads once the network is back', async () => {
    const net = network();
    net.offline = true;
    const loader = new DatasetLoader(net.fetch);
    await expect(loader.load(mnist())).rejects.toThrow(/MNIST digits \(mnist\.bin\): Failed to fetch/);
    net.offline = false;
    const data = await loader.load(mnist());
    expect(data.numTrain + data.numTest).toBe(10_000);
    expect(net.calls).toBe(2);
  });

  it('takes a file read ahead (the worker reads it before the first run) instead of downloading it again', async () => {
    const net = network();
    const loader = new DatasetLoader(net.fetch);
    loader.readAhead(readMnist(net.fetch));
    const data = await loader.load(mnist());
    expect(data.numTrain + data.numTest).toBe(10_000);
    expect(net.calls).toBe(1);
  });

  it('reports a file read ahead that failed, with its name, once: the next load downloads it anew', async () => {
    const net = network();
    net.offline = true;
    const loader = new DatasetLoader(net.fetch);
    loader.readAhead(readMnist(net.fetch));
    // Failed before any load took it (offline, the worker's read fails at once): still reported, not read again.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await expect(loader.load(mnist())).rejects.toThrow(/MNIST digits \(mnist\.bin\): Failed to fetch/);
    expect(net.calls).toBe(1);
    net.offline = false;
    await loader.load(mnist());
    expect(net.calls).toBe(2);
  });

  it('names the file when its bytes are damaged', async () => {
    const loader = new DatasetLoader(async () => new Uint8Array([1, 2, 3, 4, 5]));
    await expect(loader.load(mnist())).rejects.toThrow(/mnist\.bin/);
    const raw = await readMnistBytes();
    const truncated = new DatasetLoader(async () => raw.subarray(0, raw.length >> 1));
    await expect(truncated.load(mnist())).rejects.toThrow(/mnist\.bin/);
  });
});
