#!/usr/bin/env node
/**
 * Checks every outcome that a preset's description (src/config/presets.ts) or the article (src/article/) states
 * about this app's runs, by running the engine through the experiment CLI over seeds 1, 2 and 3, and prints one
 * table: the claim, the measured value per seed, the smallest margin by which it holds, and whether it holds in
 * every seed. Exit status 1 when one does not.
 *
 *   npm run presets:verify                      # every claim, seeds 1–3 (about ten minutes on two busy cores)
 *   npm run presets:verify -- --only bn-x5      # the claims of one preset (or "article")
 *   npm run presets:verify -- --seeds 1,2       # other seeds
 *
 * Runs are short (≤ 1,000 steps) and sequential: the machine's cores are shared. A run that two claims need is
 * trained once. The CLI is bundled into dist-presets-verify/ (not dist-cli/, which `npm run experiment` rebuilds
 * at any time), so a run elsewhere cannot replace the bundle under this one.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI_DIR = 'dist-presets-verify';

function parseFlags(argv) {
  const flags = { seeds: [1, 2, 3], only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seeds') flags.seeds = argv[++i].split(',').map(Number);
    else if (a === '--only') flags.only = argv[++i];
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run presets:verify -- [--only PRESET|article] [--seeds 1,2,3]\n');
      process.exit(0);
    } else {
      process.stderr.write(`presets:verify: unknown flag ${JSON.stringify(a)}\n`);
      process.exit(2);
    }
  }
  if (flags.seeds.some((s) => !Number.isInteger(s) || s < 1)) {
    process.stderr.write('presets:verify: --seeds takes whole numbers from 1 on, e.g. 1,2,3\n');
    process.exit(2);
  }
  return flags;
}

// ---- measurements on a run's JSON (the CLI's --out format: arms[i].steps, testAccuracy, layers[j]…) ----

/** The value of a series at the probe nearest to `step`. */
function at(arm, key, step) {
  let best = 0;
  arm.steps.forEach((s, i) => {
    if (Math.abs(s - step) < Math.abs(arm.steps[best] - step)) best = i;
  });
  return arm[key][best] ?? NaN;
}
const acc = (arm, step) => at(arm, 'testAccuracy', step);
const mean = (a) => {
  const v = a.filter((x) => x !== null && Number.isFinite(x));
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN;
};
/** How far a layer's pooled median moved from the first probe to the last: a net displacement, which does not grow with the probe rate. */
function medianShift(arm, layer) {
  const p50 = arm.layers[layer].percentiles.p50;
  return Math.abs(p50[p50.length - 1] - p50[0]);
}
/** Mean over the probes of Santurkar et al.'s ‖G − G′‖₂ of a layer (what the lab's ICS caption compares). */
const icsL2 = (arm, layer) => mean(arm.layers[layer].ics.l2);
/** Mean over the probes of ‖∂ℓ/∂W‖ of the first hidden layer over the last one's. */
function gradRatio(arm) {
  const first = arm.layers[0].gradNorm;
  const last = arm.layers[arm.layers.length - 1].gradNorm;
  return mean(first.map((g, t) => g / last[t]));
}
const byName = (run, name) => {
  const arm = run.arms.find((a) => a.name === name);
  if (!arm) throw new Error(`no arm "${name}" in this run (arms: ${run.arms.map((a) => a.name).join(', ')})`);
  return arm;
};

const pct = (v) => `${(v * 100).toFixed(1)}%`;
const num = (v, d = 3) => v.toFixed(d);
const sci = (v) => v.toExponential(1);

// ---- the claims ----
// Each names the runs it needs ({ preset, steps, set: ['path=value', …] }) and, from their JSON, gives the value
// shown per seed and a margin: positive when the claim holds, in the claim's own unit.

const IOFFE = { preset: 'ioffe-mnist', steps: 500 };

const CLAIMS = [
  {
    preset: 'ioffe-mnist',
    claim: 'BN is ahead at step 500 (test acc, plain · BN)',
    runs: [IOFFE],
    measure: ([r]) => {
      const p = acc(byName(r, 'plain'), 500);
      const b = acc(byName(r, 'BN'), 500);
      return { value: `${pct(p)} · ${pct(b)}`, margin: b - p, unit: 'acc' };
    },
  },
  {
    preset: 'ioffe-mnist',
    claim: 'layer-3 median moves, step 0→500: plain > 0.5, BN < 0.1 (plain · BN)',
    runs: [IOFFE],
    measure: ([r]) => {
      const p = medianShift(byName(r, 'plain'), 2);
      const b = medianShift(byName(r, 'BN'), 2);
      return { value: `${num(p, 2)} · ${num(b, 2)}`, margin: Math.min(p - 0.5, 0.1 - b), unit: '' };
    },
  },
  {
    preset: 'ioffe-mnist-slow',
    claim: 'at step 500 plain < 25%, BN > 80% (plain · BN)',
    runs: [{ preset: 'ioffe-mnist-slow', steps: 500 }],
    measure: ([r]) => {
      const p = acc(byName(r, 'plain'), 500);
      const b = acc(byName(r, 'BN'), 500);
      return { value: `${pct(p)} · ${pct(b)}`, margin: Math.min(0.25 - p, b - 0.8), unit: 'acc' };
    },
  },
  {
    preset: 'init-scale',
    claim: 'std 0.5 starts the plain net better: plain at step 100 (std 0.1 · 0.5)',
    runs: [IOFFE, { preset: 'init-scale', steps: 500 }],
    measure: ([small, large]) => {
      const a = acc(byName(small, 'plain'), 100);
      const b = acc(byName(large, 'plain'), 100);
      return { value: `${pct(a)} · ${pct(b)}`, margin: b - a - 0.3, unit: 'acc over +30 points' };
    },
  },
  {
    preset: 'init-scale',
    claim: 'level by step 500 at std 0.5: |BN − plain| < 1.5 points (std 0.1 · 0.5)',
    runs: [IOFFE, { preset: 'init-scale', steps: 500 }],
    measure: ([small, large]) => {
      const gap = (r) => Math.abs(acc(byName(r, 'BN'), 500) - acc(byName(r, 'plain'), 500));
      return { value: `${pct(gap(small))} · ${pct(gap(large))}`, margin: Math.min(gap(small) - gap(large), 0.015 - gap(large)), unit: 'acc' };
    },
  },
  {
    preset: 'init-scale',
    claim: 'BN still depends on the scale: BN at step 100 (std 0.1 · 0.5)',
    runs: [IOFFE, { preset: 'init-scale', steps: 500 }],
    measure: ([small, large]) => {
      const a = acc(byName(small, 'BN'), 100);
      const b = acc(byName(large, 'BN'), 100);
      return { value: `${pct(a)} · ${pct(b)}`, margin: a - b, unit: 'acc' };
    },
  },
  {
    preset: 'init-scale',
    claim: 'but less than plain: change at step 100 from std 0.1 to 0.5 (plain · BN)',
    runs: [IOFFE, { preset: 'init-scale', steps: 500 }],
    measure: ([small, large]) => {
      const d = (name) => Math.abs(acc(byName(large, name), 100) - acc(byName(small, name), 100));
      return { value: `${pct(d('plain'))} · ${pct(d('BN'))}`, margin: d('plain') - d('BN'), unit: 'acc' };
    },
  },
  {
    preset: 'bn-x5',
    claim: 'at lr 2.5 (5×) plain is not hurt: plain at step 500 (lr 0.5 · 2.5)',
    runs: [IOFFE, { preset: 'ioffe-mnist', steps: 500, set: ['optimizer.learningRate=2.5'] }],
    measure: ([base, fast]) => {
      const a = acc(byName(base, 'plain'), 500);
      const b = acc(byName(fast, 'plain'), 500);
      return { value: `${pct(a)} · ${pct(b)}`, margin: b - a, unit: 'acc' };
    },
  },
  {
    preset: 'bn-x5',
    claim: 'at lr 10 plain stays at chance: max test acc over 500 steps < 15% (plain lr 10)',
    runs: [{ preset: 'bn-x5', steps: 500 }],
    measure: ([r]) => {
      const arm = byName(r, 'plain lr 10');
      const m = Math.max(...arm.testAccuracy);
      return { value: pct(m), margin: 0.15 - m, unit: 'acc' };
    },
  },
  {
    preset: 'bn-x5',
    claim: 'at lr 10 BN trains: test acc at step 300 > 85% (BN lr 10)',
    runs: [{ preset: 'bn-x5', steps: 500 }],
    measure: ([r]) => {
      const b = acc(byName(r, 'BN lr 10'), 300);
      return { value: pct(b), margin: b - 0.85, unit: 'acc' };
    },
  },
  {
    preset: 'deep-sigmoid',
    claim: 'plain < 20% and BN > 85% at step 500 (plain · BN)',
    runs: [{ preset: 'deep-sigmoid', steps: 500 }],
    measure: ([r]) => {
      const p = acc(byName(r, 'plain'), 500);
      const b = acc(byName(r, 'BN'), 500);
      return { value: `${pct(p)} · ${pct(b)}`, margin: Math.min(0.2 - p, b - 0.85), unit: 'acc' };
    },
  },
  {
    preset: 'deep-sigmoid',
    claim: 'gradient ‖∂ℓ/∂W‖ layer 1 / layer 6: plain < 1/100, BN > 1/2 (plain · BN)',
    runs: [{ preset: 'deep-sigmoid', steps: 500 }],
    measure: ([r]) => {
      const p = gradRatio(byName(r, 'plain'));
      const b = gradRatio(byName(r, 'BN'));
      // In decades: how far each ratio is from its bound on a log scale.
      return { value: `${sci(p)} · ${num(b, 2)}`, margin: Math.min(Math.log10(0.01 / p), Math.log10(b / 0.5)), unit: 'decades' };
    },
  },
  {
    preset: 'small-batch',
    claim: 'at batch 2, LN ahead of BN at step 1,000 (BN · LN)',
    runs: [{ preset: 'small-batch', steps: 1000 }],
    measure: ([r]) => {
      const b = acc(byName(r, 'BN'), 1000);
      const l = acc(byName(r, 'LN'), 1000);
      return { value: `${pct(b)} · ${pct(l)}`, margin: l - b, unit: 'acc' };
    },
  },
  {
    preset: 'small-batch',
    claim: 'at batch 4, BN ahead of LN at step 1,000 (BN · LN)',
    runs: [{ preset: 'small-batch', steps: 1000, set: ['batchSize=4'] }],
    measure: ([r]) => {
      const b = acc(byName(r, 'BN'), 1000);
      const l = acc(byName(r, 'LN'), 1000);
      return { value: `${pct(b)} · ${pct(l)}`, margin: b - l, unit: 'acc' };
    },
  },
  {
    preset: 'small-batch',
    claim: 'at batch 2 the plain net (lr 0.05) is under 25% at step 1,000',
    runs: [{ preset: 'small-batch', steps: 1000 }],
    measure: ([r]) => {
      const p = acc(byName(r, 'plain'), 1000);
      return { value: pct(p), margin: 0.25 - p, unit: 'acc' };
    },
  },
  {
    preset: 'spirals',
    claim: 'the plain net has the lower test loss at step 1,000 (plain · BN)',
    runs: [{ preset: 'spirals', steps: 1000 }],
    measure: ([r]) => {
      const p = at(byName(r, 'plain'), 'testLoss', 1000);
      const b = at(byName(r, 'BN'), 'testLoss', 1000);
      return { value: `${num(p)} · ${num(b)}`, margin: b - p, unit: 'loss' };
    },
  },
  {
    preset: 'article',
    claim: 'spirals: BN’s mean ‖G − G′‖₂ over plain’s, layers 2 · 3 · 4: all > 1',
    runs: [{ preset: 'spirals', steps: 1000 }],
    measure: ([r]) => {
      const ratios = [1, 2, 3].map((l) => icsL2(byName(r, 'BN'), l) / icsL2(byName(r, 'plain'), l));
      return { value: ratios.map((x) => num(x, 2)).join(' · '), margin: Math.min(...ratios) - 1, unit: 'ratio over 1' };
    },
  },
  {
    preset: 'article',
    claim: 'momentum 0.001: BN test loss > 2 × train loss at step 500 (train · test)',
    runs: [{ preset: 'ioffe-mnist', steps: 500, set: ['normalization.momentum=0.001'] }],
    measure: ([r]) => {
      const arm = byName(r, 'BN');
      const tr = at(arm, 'trainLoss', 500);
      const te = at(arm, 'testLoss', 500);
      return { value: `${num(tr, 2)} · ${num(te, 2)}`, margin: te / tr - 2, unit: 'ratio over 2' };
    },
  },
];

// ---- running ----

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    process.stderr.write(`presets:verify: ${cmd} ${args.join(' ')} failed (status ${r.status}):\n${r.stderr}${r.stdout}`);
    process.exit(1);
  }
  return r.stdout;
}

function cliArgs(spec, seed, out) {
  return ['--preset', spec.preset, '--steps', String(spec.steps), '--backend', 'wasm', '--quiet', '--set', `seed=${seed}`, ...(spec.set ?? []).flatMap((s) => ['--set', s]), '--out', out];
}

/** The command a reader types to see one run: what the article's comments cite. */
const shownCommand = (spec, seed) =>
  `npm run experiment -- --preset ${spec.preset} --steps ${spec.steps} --backend wasm --set seed=${seed}${(spec.set ?? []).map((s) => ` --set ${s}`).join('')}`;

function main() {
  const flags = parseFlags(process.argv.slice(2));
  const claims = CLAIMS.filter((c) => !flags.only || c.preset === flags.only);
  if (!claims.length) {
    process.stderr.write(`presets:verify: no claims for ${JSON.stringify(flags.only)}; presets with claims: ${[...new Set(CLAIMS.map((c) => c.preset))].join(', ')}\n`);
    process.exit(2);
  }
  process.stderr.write('bundling the experiment CLI…\n');
  run('npx', ['vite', 'build', '--config', 'vite.cli.config.ts', '--outDir', CLI_DIR, '--logLevel', 'warn']);
  const tmp = mkdtempSync(join(tmpdir(), 'bnx-verify-'));
  const cache = new Map();
  const commands = [];
  const t0 = Date.now();
  const load = (spec, seed) => {
    const key = JSON.stringify([spec.preset, spec.steps, spec.set ?? [], seed]);
    if (!cache.has(key)) {
      const out = join(tmp, `run-${cache.size}.json`);
      process.stderr.write(`  ${shownCommand(spec, seed)}\n`);
      const t = Date.now();
      run('node', [join(CLI_DIR, 'experiment.mjs'), ...cliArgs(spec, seed, out)]);
      commands.push(`${shownCommand(spec, seed)}  (${((Date.now() - t) / 1000).toFixed(0)} s)`);
      cache.set(key, JSON.parse(readFileSync(out, 'utf8')));
    }
    return cache.get(key);
  };
  const rows = [];
  let failed = 0;
  try {
    for (const c of claims) {
      const results = flags.seeds.map((seed) => c.measure(c.runs.map((spec) => load(spec, seed))));
      const margin = Math.min(...results.map((r) => r.margin));
      const holds = results.every((r) => r.margin > 0);
      if (!holds) failed++;
      rows.push([c.preset, c.claim, ...results.map((r) => r.value), `${num(margin, 3)}${results[0].unit ? ` (${results[0].unit})` : ''}`, holds ? 'yes' : 'NO']);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const header = ['preset', 'claim', ...flags.seeds.map((s) => `seed ${s}`), 'smallest margin', 'holds'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((s, i) => s.padEnd(widths[i])).join(' | ')} |`;
  process.stdout.write(
    [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n') +
      `\n${rows.length - failed} of ${rows.length} claims hold in every seed; ${cache.size} runs in ${((Date.now() - t0) / 1000).toFixed(0)} s, each one of:\n` +
      commands.map((c) => `  ${c}`).join('\n') +
      '\n',
  );
  process.exit(failed ? 1 : 0);
}

main();
