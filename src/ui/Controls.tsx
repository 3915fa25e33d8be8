import { useCallback } from 'react';
import { ACTIVATIONS, DATASETS, INITS, NORMS, OPTIMIZERS, numericRange, type ExperimentConfig, type NormKind } from '../config/schema';
import { PRESETS, presetConfig } from '../config/presets';
import { useLab } from '../store/context';
import { BATCH_SIZES, formatNumber, withChange } from './controlsModel';
import { Field, IntegerInput, SelectField, SliderField } from './fields';

const DATASET_NAMES: Record<(typeof DATASETS)[number], string> = {
  mnist: 'MNIST digits',
  spirals: 'Two spirals',
  circles: 'Circles',
  xor: 'XOR',
  blobs: 'Gaussian blobs',
};
const NORM_NAMES: Record<NormKind, string> = { none: 'none (plain)', batch: 'batch norm', layer: 'layer norm' };
const ACT_NAMES: Record<(typeof ACTIVATIONS)[number], string> = { sigmoid: 'sigmoid', tanh: 'tanh', relu: 'ReLU' };
const INIT_NAMES: Record<(typeof INITS)[number], string> = { gaussian: 'Gaussian (std)', glorot: 'Glorot (gain)', he: 'He (gain)' };
const OPT_NAMES: Record<(typeof OPTIMIZERS)[number], string> = { sgd: 'SGD', momentum: 'SGD + momentum', adam: 'Adam' };

const range = (path: string) => numericRange(path) ?? { min: 0, max: 1 };

/**
 * Every knob of the experiment. Each change produces a new validated configuration, and applying it restarts
 * the run from step 0 (the page says so); nothing here is view state.
 */
export function Controls({ apply, onError }: { apply: (config: ExperimentConfig, what: string) => void; onError: (message: string) => void }) {
  const config = useLab((s) => s.config);
  const set = useCallback(
    (path: string, label: string) => (value: unknown) => {
      let next: ExperimentConfig;
      try {
        next = withChange(config, path, value);
      } catch (e) {
        onError(e instanceof Error ? e.message : String(e));
        return;
      }
      apply(next, label);
    },
    [config, apply, onError],
  );
  const is2D = config.dataset.name !== 'mnist';
  const lr = range('optimizer.learningRate');
  const anyNorm = config.arms.some((a) => a.norm !== 'none');
  const setArm = (i: number, norm: NormKind) => set('arms', 'arms')(config.arms.map((a, k) => (k === i ? { ...a, norm, label: undefined } : a)));

  return (
    <form className="controls" aria-label="Experiment settings" onSubmit={(e) => e.preventDefault()}>
      <SelectField
        label="Preset"
        value={PRESETS.find((p) => JSON.stringify(presetConfig(p.name)) === JSON.stringify(config))?.name ?? 'custom'}
        options={[...PRESETS.map((p) => [p.name, p.title] as const), ['custom', 'Custom (edited)'] as const]}
        disabled={(v) => v === 'custom'}
        onChange={(name) => name !== 'custom' && apply(presetConfig(name), `preset “${PRESETS.find((p) => p.name === name)?.title}”`)}
      />

      <fieldset>
        <legend>Data</legend>
        <SelectField label="Dataset" value={config.dataset.name} options={DATASETS.map((d) => [d, DATASET_NAMES[d]] as const)} onChange={set('dataset.name', 'dataset')} />
        {is2D && (
          <SliderField label="Noise" value={config.dataset.noise} min={0} max={1} step={0.05} format={(v) => v.toFixed(2)} onCommit={set('dataset.noise', 'noise')} />
        )}
      </fieldset>

      <fieldset>
        <legend>Network</legend>
        <SelectField
          label="Architecture"
          value={config.model.kind}
          options={[['mlp', 'MLP (fully connected)'], ['cnn', 'CNN (3×3 convolutions)']] as const}
          disabled={(v) => v === 'cnn' && is2D}
          hint="The CNN needs image input: MNIST only."
          onChange={set('model.kind', 'architecture')}
        />
        <SliderField label="Depth" value={config.model.depth} min={1} max={8} format={(v) => `${v} hidden layer${v > 1 ? 's' : ''}`} onCommit={set('model.depth', 'depth')} />
        <SliderField
          label="Width"
          value={config.model.width}
          min={2}
          max={config.model.kind === 'cnn' ? 64 : 512}
          log
          format={(v) => `${v} ${config.model.kind === 'cnn' ? 'channels' : 'units'}`}
          onCommit={(v) => set('model.width', 'width')(Math.round(v))}
        />
        <SelectField label="Activation" value={config.activation} options={ACTIVATIONS.map((a) => [a, ACT_NAMES[a]] as const)} onChange={set('activation', 'activation')} />
        <SelectField label="Initialisation" value={config.init.scheme} options={INITS.map((i) => [i, INIT_NAMES[i]] as const)} onChange={set('init.scheme', 'initialisation')} />
        <SliderField
          label={config.init.scheme === 'gaussian' ? 'Initial std' : 'Initial gain'}
          value={config.init.scale}
          min={0.001}
          max={10}
          log
          format={formatNumber}
          onCommit={set('init.scale', 'initial scale')}
        />
      </fieldset>

      <fieldset>
        <legend>Compare</legend>
        {config.arms.map((arm, i) => (
          <div className="arm-row" key={i}>
            <SelectField label={`Arm ${i + 1}`} value={arm.norm} options={NORMS.map((n) => [n, NORM_NAMES[n]] as const)} onChange={(v) => setArm(i, v)} />
            {config.arms.length > 2 && (
              <button type="button" className="icon" aria-label={`Remove arm ${i + 1}`} onClick={() => set('arms', 'arms')(config.arms.filter((_, k) => k !== i))}>
                ×
              </button>
            )}
          </div>
        ))}
        {config.arms.length < 4 && (
          <button type="button" className="add-arm" onClick={() => set('arms', 'arms')([...config.arms, { norm: 'layer' }])}>
            + add an arm
          </button>
        )}
      </fieldset>

      <fieldset disabled={!anyNorm}>
        <legend>Normalization</legend>
        <SelectField
          label="Placement"
          value={config.normalization.placement}
          options={[['before', 'before the nonlinearity (paper)'], ['after', 'after the nonlinearity']] as const}
          onChange={set('normalization.placement', 'placement')}
        />
        <SliderField
          label="Running-stats momentum"
          value={config.normalization.momentum}
          min={0.001}
          max={1}
          log
          format={(v) => `${formatNumber(v)} PyTorch = ${formatNumber(1 - v)} Keras`}
          hint="Weight of the new batch in the running mean and variance (PyTorch's convention); Keras states 1 − this."
          onCommit={set('normalization.momentum', 'momentum')}
        />
        <SliderField label="ε" value={config.normalization.epsilon} min={1e-8} max={1} log format={formatNumber} onCommit={set('normalization.epsilon', 'ε')} />
        <Field label="Learnable γ and β">
          {(id) => <input id={id} type="checkbox" checked={config.normalization.affine} onChange={(e) => set('normalization.affine', 'γ, β')(e.target.checked)} />}
        </Field>
      </fieldset>

      <fieldset>
        <legend>Training</legend>
        <SliderField label="Learning rate" value={config.optimizer.learningRate} min={lr.min} max={lr.max} log format={formatNumber} onCommit={set('optimizer.learningRate', 'learning rate')} />
        <SliderField
          label="Batch size"
          value={BATCH_SIZES.reduce((best, b, i) => (Math.abs(b - config.batchSize) < Math.abs(BATCH_SIZES[best]! - config.batchSize) ? i : best), 0)}
          min={0}
          max={BATCH_SIZES.length - 1}
          format={(i) => `${BATCH_SIZES[i]} examples`}
          onCommit={(i) => set('batchSize', 'batch size')(BATCH_SIZES[i])}
        />
        <SelectField label="Optimiser" value={config.optimizer.kind} options={OPTIMIZERS.map((o) => [o, OPT_NAMES[o]] as const)} onChange={set('optimizer.kind', 'optimiser')} />
        <Field label="Seed" hint="All randomness (weights, batch order, data) comes from this number.">
          {(id, describedBy) => (
            <div className="seed">
              <IntegerInput id={id} describedBy={describedBy} value={config.seed} min={0} max={2147483647} onCommit={set('seed', 'seed')} />
              <button type="button" onClick={() => set('seed', 'seed')((config.seed + 1) % 2147483647)}>
                next
              </button>
            </div>
          )}
        </Field>
        <SliderField label="Probe every" value={config.probe.interval} min={1} max={200} format={(v) => `${v} step${v > 1 ? 's' : ''}`} onCommit={set('probe.interval', 'probe interval')} />
      </fieldset>
    </form>
  );
}
