import { useCallback } from 'react';
import { ACTIVATIONS, DATASETS, INITS, OPTIMIZERS, type ExperimentConfig } from '../config/schema';
import { PRESETS, presetConfig } from '../config/presets';
import { useLab, useLabStore } from '../store/context';
import { SCHEDULABLE, describeChange, settingsAt, withScheduledChange, withoutEvent } from '../config/schedule';
import { CONTROL_SCALES, batchSizeScale, formatNumber, proposeArm, schemaBounds, widthScale, withChange, withDatasetDefaults } from './controlsModel';
import { ArmEditor } from './ArmEditor';
import { Field, IntegerInput, SelectField, SliderField } from './fields';

const DATASET_NAMES: Record<(typeof DATASETS)[number], string> = {
  mnist: 'MNIST digits',
  spirals: 'Two spirals',
  circles: 'Circles',
  xor: 'XOR',
  blobs: 'Gaussian blobs',
};
const ACT_NAMES: Record<(typeof ACTIVATIONS)[number], string> = { sigmoid: 'sigmoid', tanh: 'tanh', relu: 'ReLU' };
const INIT_NAMES: Record<(typeof INITS)[number], string> = { gaussian: 'Gaussian (std)', glorot: 'Glorot (gain)', he: 'He (gain)' };
const OPT_NAMES: Record<(typeof OPTIMIZERS)[number], string> = { sgd: 'SGD', momentum: 'SGD + momentum', adam: 'Adam' };

// Every bound below is the schema's: the sliders' scales end at them (controlsModel.ts), and so does the seed.
const SEED = schemaBounds('seed');

/**
 * Every knob of the experiment. Each change produces a new validated configuration, and applying it restarts
 * the run from step 0 (the page says so); nothing here is view state.
 */
export function Controls({
  apply,
  schedule,
  onError,
}: {
  apply: (config: ExperimentConfig, what: string) => void;
  schedule: (config: ExperimentConfig, what: string) => void;
  onError: (message: string) => void;
}) {
  const store = useLabStore();
  const config = useLab((s) => s.config);
  const changeMode = useLab((s) => s.view.changeMode);
  const keepPlaying = useLab((s) => s.view.keepPlaying);
  // The number of changes in force at the current step: re-renders when one takes effect, not on every step.
  const inForce = useLab((s) => s.config.schedule.filter((e) => e.step <= s.run.step).length);
  const live = settingsAt(config, config.schedule[inForce - 1]?.step ?? 0);
  const fail = useCallback((e: unknown) => onError(e instanceof Error ? e.message : String(e)), [onError]);
  const set = useCallback(
    (path: string, label: string) => (value: unknown) => {
      const step = store.getState().run.step;
      const key = SCHEDULABLE[path];
      try {
        // From the current step on, where that has a meaning; everything else defines a new run.
        // (Freezing γ and β needs them to exist: with learnable γ, β off, turning them on is a new network.)
        if (key && changeMode === 'continue' && step > 0 && !(key === 'affine' && !config.normalization.affine)) {
          const next = withScheduledChange(config, step, key, value as never);
          schedule(next, `From step ${step.toLocaleString('en-US')} on: ${describeChange({ [key]: value })}. The run goes on; the change is part of the link.`);
          return;
        }
        apply(withChange(config, path, value), label);
      } catch (e) {
        fail(e);
      }
    },
    [config, apply, schedule, fail, store, changeMode],
  );
  const setDataset = (name: string) => {
    try {
      const { config: next, changed } = withDatasetDefaults(config, withChange(config, 'dataset.name', name));
      apply(next, changed ? `dataset; for this kind of data the settings that suit it were set: ${changed}` : 'dataset');
    } catch (e) {
      fail(e);
    }
  };
  const setBnMode = (mode: 'train' | 'inference') => {
    const step = store.getState().run.step;
    try {
      schedule(withScheduledChange(config, step, 'bnMode', mode), `From step ${step.toLocaleString('en-US')} on: ${describeChange({ bnMode: mode })}. The run goes on.`);
    } catch (e) {
      fail(e);
    }
  };
  const removeEvent = (at: number) => {
    const step = store.getState().run.step;
    try {
      const next = withoutEvent(config, at);
      // A change still to come can go without touching the run; one that has happened needs a new run.
      if (at > step) schedule(next, `The change at step ${at.toLocaleString('en-US')} was removed.`);
      else apply(next, `the change at step ${at.toLocaleString('en-US')}`);
    } catch (e) {
      fail(e);
    }
  };
  const is2D = config.dataset.name !== 'mnist';
  const anyNorm = config.arms.some((a) => a.norm !== 'none');

  const preset = PRESETS.find((p) => JSON.stringify(presetConfig(p.name)) === JSON.stringify(config));

  return (
    <form className="controls" aria-label="Experiment settings" onSubmit={(e) => e.preventDefault()}>
      <SelectField
        label="Preset"
        value={preset?.name ?? 'custom'}
        options={[...PRESETS.map((p) => [p.name, p.title] as const), ['custom', 'Custom (edited)'] as const]}
        disabled={(v) => v === 'custom'}
        onChange={(name) => name !== 'custom' && apply(presetConfig(name), `preset “${PRESETS.find((p) => p.name === name)?.title}”`)}
      />
      {/* What the preset shows, with its numbers: only while the settings are the preset's own (then they hold). */}
      {preset && (
        <p className="preset-description" data-testid="preset-description">
          {preset.description}
        </p>
      )}

      <fieldset>
        <legend>Data</legend>
        <SelectField label="Dataset" value={config.dataset.name} options={DATASETS.map((d) => [d, DATASET_NAMES[d]] as const)} onChange={setDataset} />
        {is2D && (
          <SliderField label="Noise" value={config.dataset.noise} scale={CONTROL_SCALES['dataset.noise']} format={(v) => v.toFixed(2)} onCommit={set('dataset.noise', 'noise')} />
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
        <SliderField label="Depth" value={config.model.depth} scale={CONTROL_SCALES['model.depth']} format={(v) => `${v} hidden layer${v > 1 ? 's' : ''}`} onCommit={set('model.depth', 'depth')} />
        <SliderField
          label="Width"
          value={config.model.width}
          scale={widthScale(config.model.kind)}
          format={(v) => `${v} ${config.model.kind === 'cnn' ? 'channels' : 'units'}`}
          onCommit={set('model.width', 'width')}
        />
        <SelectField label="Activation" value={config.activation} options={ACTIVATIONS.map((a) => [a, ACT_NAMES[a]] as const)} onChange={set('activation', 'activation')} />
        <SelectField label="Initialisation" value={config.init.scheme} options={INITS.map((i) => [i, INIT_NAMES[i]] as const)} onChange={set('init.scheme', 'initialisation')} />
        <SliderField
          label={config.init.scheme === 'gaussian' ? 'Initial std' : 'Initial gain'}
          value={config.init.scale}
          scale={CONTROL_SCALES['init.scale']}
          format={formatNumber}
          onCommit={set('init.scale', 'initial scale')}
        />
      </fieldset>

      <fieldset>
        <legend>Compare</legend>
        {config.arms.map((arm, i) => (
          <ArmEditor
            key={i}
            arm={arm}
            index={i}
            config={config}
            removable={config.arms.length > 1}
            onChange={(next) => set('arms', `arm ${i + 1}`)(config.arms.map((a, k) => (k === i ? next : a)))}
            onRemove={() => set('arms', 'arms')(config.arms.filter((_, k) => k !== i))}
          />
        ))}
        {config.arms.length < 4 && (
          <button type="button" className="add-arm" onClick={() => set('arms', 'arms')([...config.arms, proposeArm(config)])}>
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
          value={live.bnMomentum}
          scale={CONTROL_SCALES['normalization.momentum']}
          format={(v) => `${formatNumber(v)} PyTorch = ${formatNumber(1 - v)} Keras`}
          hint="Weight of the new batch in the running mean and variance (PyTorch's convention); Keras states 1 − this."
          onCommit={set('normalization.momentum', 'momentum')}
        />
        <SliderField label="ε" value={config.normalization.epsilon} scale={CONTROL_SCALES['normalization.epsilon']} format={formatNumber} onCommit={set('normalization.epsilon', 'ε')} />
        <Field label="Learnable γ and β">
          {(id) => <input id={id} type="checkbox" checked={live.affine} onChange={(e) => set('normalization.affine', 'γ, β')(e.target.checked)} />}
        </Field>
        {config.arms.some((a) => a.norm === 'batch') && (
          <SelectField
            label="Batch norm normalizes with"
            value={live.bnMode}
            options={[['train', 'the batch’s statistics (training)'], ['inference', 'the running averages (inference)']] as const}
            hint="Switching to the running averages holds from the current step on; they stop updating while it lasts."
            onChange={setBnMode}
          />
        )}
      </fieldset>

      <fieldset>
        <legend>Training</legend>
        <SliderField label="Learning rate" value={live.learningRate} scale={CONTROL_SCALES['optimizer.learningRate']} format={formatNumber} onCommit={set('optimizer.learningRate', 'learning rate')} />
        <SliderField
          label="Batch size"
          value={live.batchSize}
          scale={batchSizeScale(config.dataset.name)}
          format={(v) => `${v} examples`}
          onCommit={set('batchSize', 'batch size')}
        />
        <SelectField label="Optimiser" value={config.optimizer.kind} options={OPTIMIZERS.map((o) => [o, OPT_NAMES[o]] as const)} onChange={set('optimizer.kind', 'optimiser')} />
        {config.optimizer.kind === 'momentum' && (
          <SliderField label="Momentum" value={live.momentum} scale={CONTROL_SCALES['optimizer.momentum']} format={formatNumber} onCommit={set('optimizer.momentum', 'momentum')} />
        )}
        <Field label="Seed" hint="All randomness (weights, batch order, data) comes from this number.">
          {(id, describedBy) => (
            <div className="seed">
              <IntegerInput id={id} describedBy={describedBy} value={config.seed} min={SEED.min} max={SEED.max} onCommit={set('seed', 'seed')} />
              <button type="button" onClick={() => set('seed', 'seed')(config.seed >= SEED.max ? SEED.min : config.seed + 1)}>
                next
              </button>
            </div>
          )}
        </Field>
        <SliderField label="Probe every" value={config.probe.interval} scale={CONTROL_SCALES['probe.interval']} format={(v) => `${v} step${v > 1 ? 's' : ''}`} onCommit={set('probe.interval', 'probe interval')} />
      </fieldset>

      <fieldset className="during-run">
        <legend>During the run</legend>
        <div className="change-mode" role="radiogroup" aria-label="When a training setting changes">
          <p className="field-hint">A change of learning rate, momentum, batch size or γ, β:</p>
          {(
            [
              ['restart', 'restarts the run from step 0'],
              ['continue', 'holds from the current step on'],
            ] as const
          ).map(([mode, text]) => (
            <label key={mode} className="radio">
              <input type="radio" name="change-mode" value={mode} checked={changeMode === mode} onChange={() => store.getState().setView({ changeMode: mode })} />
              {text}
            </label>
          ))}
        </div>
        <label className="keep-playing">
          <input type="checkbox" checked={keepPlaying} onChange={(e) => store.getState().setView({ keepPlaying: e.target.checked })} />
          Keep playing when a change restarts the run
        </label>
        {config.schedule.length > 0 && (
          <ol className="schedule" aria-label="Changes during the run">
            {config.schedule.map((e) => (
              <li key={e.step}>
                <span>
                  step {e.step.toLocaleString('en-US')}: {describeChange(e.set)}
                </span>
                <button type="button" className="icon" aria-label={`Remove the change at step ${e.step}`} onClick={() => removeEvent(e.step)}>
                  ×
                </button>
              </li>
            ))}
          </ol>
        )}
      </fieldset>
    </form>
  );
}
