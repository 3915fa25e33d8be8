import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../cli/args';
import { PRESET_NAMES, presetConfig } from '../config/presets';
import { parseConfig, type ExperimentConfig } from '../config/schema';
import { experimentCommand, matchingPreset, shellQuote } from './command';

const FILE = 'batchnorm-explorer_config.json';

/** The words a real POSIX shell makes of a command line (printf prints each argument, NUL-terminated). */
function shellWords(commandLine: string): string[] {
  const r = spawnSync('sh', ['-c', `printf '%s\\0' ${commandLine}`], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\0').slice(0, -1);
}

/** Runs the command line through the shell and the CLI's own parser; the config file is the JSON offered with it. */
function cliConfig(config: ExperimentConfig, opts: { steps?: number } = {}) {
  const cmd = experimentCommand(config, { ...opts, backend: 'wasm', configFile: FILE });
  const words = shellWords(cmd.command);
  expect(words.slice(0, 4)).toEqual(['npm', 'run', 'experiment', '--']);
  expect(words.slice(4)).toEqual(cmd.args);
  const parsed = parseArgs(words.slice(4), (file) => {
    expect(file).toBe(FILE);
    return JSON.parse(cmd.configJson) as unknown;
  });
  return { cmd, parsed };
}

const withChanges = (name: string, patch: (c: Record<string, unknown>) => void): ExperimentConfig => {
  const c = structuredClone(presetConfig(name)) as unknown as Record<string, unknown>;
  patch(c);
  return parseConfig(c);
};

describe('shellQuote', () => {
  it('leaves safe words alone and single-quotes the rest', () => {
    expect(shellQuote('optimizer.learningRate=0.05')).toBe('optimizer.learningRate=0.05');
    expect(shellQuote('arms.2.label=BN ×5')).toBe("'arms.2.label=BN ×5'");
    expect(shellQuote("it's $HOME `x` \\ *")).toBe("'it'\\''s $HOME `x` \\ *'");
    expect(shellWords(shellQuote("it's $HOME `x` \\ * \"q\""))).toEqual(["it's $HOME `x` \\ * \"q\""]);
  });
});

describe('the experiment command', () => {
  it('names the preset alone when the configuration is one', () => {
    for (const name of PRESET_NAMES) {
      const { cmd, parsed } = cliConfig(presetConfig(name), { steps: 500 });
      expect(cmd.kind).toBe('preset');
      expect(cmd.command).toBe(`npm run experiment -- --preset ${name} --steps 500 --backend wasm`);
      expect(parsed.config).toEqual(presetConfig(name));
      expect(parsed.steps).toBe(500);
      expect(matchingPreset(presetConfig(name))).toBe(name);
    }
  });

  it('adds --set flags for a few changed fields, and they give back the same configuration', () => {
    // Learning rate 0.05 alone is the ioffe-mnist-slow preset: the nearest preset is chosen.
    expect(cliConfig(withChanges('ioffe-mnist', (c) => ((c.optimizer as { learningRate: number }).learningRate = 0.05))).cmd.args.slice(0, 2)).toEqual([
      '--preset',
      'ioffe-mnist-slow',
    ]);
    const config = withChanges('ioffe-mnist', (c) => {
      (c.optimizer as { learningRate: number }).learningRate = 0.2;
      c.seed = 7;
      (c.normalization as { momentum: number }).momentum = 0.01;
    });
    const { cmd, parsed } = cliConfig(config);
    expect(cmd.kind).toBe('preset');
    expect(cmd.command).toBe(
      'npm run experiment -- --preset ioffe-mnist --backend wasm --set seed=7 --set optimizer.learningRate=0.2 --set normalization.momentum=0.01',
    );
    expect(parsed.config).toEqual(config);
    expect(matchingPreset(config)).toBeNull();
    // What the CLI records for that run, and the lab's JSON too.
    expect(cmd.source).toBe(parsed.source);
    expect(cmd.overrides).toEqual(parsed.overrides);
  });

  it('starts from the nearest preset and sets whole values where --set cannot edit in place', () => {
    // The bn-x5 preset without its third arm: the arms array changes length.
    const config = withChanges('bn-x5', (c) => {
      c.arms = [{ norm: 'none' }, { norm: 'batch', learningRate: 2.5, label: "BN ×5 'fast'" }];
      c.schedule = [{ step: 300, set: { learningRate: 0.1 } }];
    });
    const { cmd, parsed } = cliConfig(config);
    expect(cmd.kind).toBe('preset');
    expect(cmd.args).toContain(`arms=${JSON.stringify(config.arms)}`);
    expect(parsed.config).toEqual(config);
  });

  it('uses --config FILE.json when the configuration is far from every preset', () => {
    const config = withChanges('spirals', (c) => {
      c.dataset = { name: 'circles', noise: 0.3 };
      c.model = { kind: 'mlp', depth: 2, width: 8 };
      c.activation = 'tanh';
      c.init = { scheme: 'glorot', scale: 1.5 };
      c.optimizer = { kind: 'momentum', learningRate: 0.1, momentum: 0.8 };
      c.batchSize = 16;
      c.normalization = { placement: 'after', momentum: 0.2, epsilon: 1e-3, affine: false };
      c.seed = 42;
    });
    const { cmd, parsed } = cliConfig(config, { steps: 1200 });
    expect(cmd.kind).toBe('config');
    expect(cmd.command).toBe(`npm run experiment -- --config ${FILE} --steps 1200 --backend wasm`);
    expect(parsed.config).toEqual(config);
    expect(JSON.parse(cmd.configJson)).toEqual(config);
    expect([cmd.source, cmd.overrides]).toEqual([parsed.source, parsed.overrides]);
  });

  it('a string that the CLI would read as a number or JSON never goes through --set', () => {
    for (const label of ['123', 'true', '[x', '{', ' ', '1e3']) {
      const config = withChanges('ioffe-mnist', (c) => {
        c.arms = [{ norm: 'none', label }, { norm: 'batch' }];
      });
      const { parsed } = cliConfig(config);
      expect(parsed.config).toEqual(config);
    }
  });

  it('round-trips random configurations through a real shell and the CLI (property)', () => {
    const arm = fc.record(
      {
        norm: fc.constantFrom('none', 'batch', 'layer'),
        learningRate: fc.constantFrom(0.01, 0.5, 2.5, 1e-5),
        label: fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', 'B', ' ', "'", '"', '\\', '$', '×', '1', '=', '.', '[', '{') }),
      },
      { requiredKeys: ['norm'] },
    );
    const arbitraryConfig = fc
      .record({
        preset: fc.constantFrom(...PRESET_NAMES),
        seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        learningRate: fc.constantFrom(0.5, 0.05, 0.003, 1e-5, 10),
        batchSize: fc.integer({ min: 2, max: 100 }),
        placement: fc.constantFrom('before', 'after'),
        arms: fc.option(fc.array(arm, { minLength: 1, maxLength: 4 }), { nil: undefined }),
        drop: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
      })
      .map((r) => {
        const c = structuredClone(presetConfig(r.preset)) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        c.seed = r.seed;
        c.optimizer.learningRate = r.learningRate;
        c.batchSize = r.batchSize;
        c.normalization.placement = r.placement;
        if (r.arms) c.arms = r.arms;
        if (r.drop) c.schedule = [{ step: r.drop, set: { learningRate: Math.max(1e-5, r.learningRate / 10) } }];
        return parseConfig(c);
      });
    fc.assert(
      fc.property(arbitraryConfig, fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined }), (config, steps) => {
        const { parsed } = cliConfig(config, { steps });
        expect(parsed.config).toEqual(config);
        if (steps !== undefined) expect(parsed.steps).toBe(steps);
      }),
      { numRuns: 150 },
    );
  });
});
