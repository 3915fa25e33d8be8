import './armEditor.css';
import { useId } from 'react';
import { NORMS, PLACEMENTS, armGroups, armName, defaultGroups, groupChoices, numericRange, type ArmConfig, type ExperimentConfig, type NormKind } from '../config/schema';
import { CommitInput, SelectField } from './fields';
import { formatNumber } from './controlsModel';

const NORM_NAMES: Record<NormKind, string> = { none: 'none (plain)', batch: 'batch norm', layer: 'layer norm', group: 'group norm' };

/** A group count as a choice: "4 groups of 25 units (default)", with the two named ends of the family. */
function groupsText(groups: number, config: ExperimentConfig): string {
  const cnn = config.model.kind === 'cnn';
  const per = config.model.width / groups;
  const unit = `${cnn ? 'channel' : 'unit'}${per === 1 ? '' : 's'}`;
  const named = groups === 1 ? ': layer norm' : cnn && per === 1 ? ': instance norm' : '';
  const tag = groups === defaultGroups(config.model) ? ' (default)' : '';
  return `${groups} group${groups === 1 ? '' : 's'} of ${per} ${unit}${named}${tag}`;
}

/** A number typed by hand within the schema's bounds for `path`; empty means "as the other arms". */
function parseWithin(path: string) {
  const r = numericRange(path) ?? { min: -Infinity, max: Infinity };
  return (text: string): number | undefined | null => {
    const t = text.trim();
    if (t === '') return undefined;
    const v = Number(t);
    return Number.isFinite(v) && v >= r.min && v <= r.max ? v : null;
  };
}

/**
 * One arm of the comparison: its normalization, and what it does differently from the shared settings (label,
 * learning rate, initial scale, placement). An empty field means "as set for all arms".
 */
export function ArmEditor({ arm, index, config, removable, onChange, onRemove }: {
  arm: ArmConfig;
  index: number;
  config: ExperimentConfig;
  removable: boolean;
  onChange: (arm: ArmConfig) => void;
  onRemove: () => void;
}) {
  const id = useId();
  const without = (key: keyof ArmConfig, value: unknown): ArmConfig => {
    const next: Record<string, unknown> = { ...arm, [key]: value };
    if (value === undefined) delete next[key];
    return next as unknown as ArmConfig;
  };
  const own = [arm.label, arm.learningRate, arm.initScale, arm.placement, arm.noise].filter((v) => v !== undefined).length;
  const scaleWord = config.init.scheme === 'gaussian' ? 'std' : 'gain';
  const lr = numericRange('optimizer.learningRate');
  const sc = numericRange('init.scale');
  const nz = numericRange('arms.0.noise');
  const groups = armGroups(arm, config);
  const groupsHint = `Group norm (Wu & He 2018) normalizes each example over each group of consecutive ${config.model.kind === 'cnn' ? 'channels (and their pixels)' : 'units'}, with that example's own mean and variance: the same in training and inference, whatever the batch size.`;
  return (
    <div className="arm-editor">
      <div className="arm-row">
        <SelectField
          label={`Arm ${index + 1} · ${armName(arm, config)}`}
          value={arm.norm}
          options={NORMS.map((n) => [n, NORM_NAMES[n]] as const)}
          onChange={(norm) => {
            // Settings the new normalization does not have go with the old one (undefined keys are dropped).
            const next: ArmConfig = { ...without('label', undefined), norm };
            if (norm === 'none') delete next.placement;
            if (norm !== 'batch') delete next.noise;
            if (norm !== 'group') delete next.groups;
            onChange(next);
          }}
        />
        {removable && (
          <button type="button" className="icon" aria-label={`Remove arm ${index + 1}`} onClick={onRemove}>
            ×
          </button>
        )}
      </div>
      {groups !== null && (
        // Shown with the normalization, not folded away: a group-norm arm is not defined without it.
        <div className="field arm-groups" title={groupsHint}>
          <div className="field-head">
            <label htmlFor={`${id}-groups`}>
              <span className="visually-hidden">Arm {index + 1} </span>
              Groups
            </label>
          </div>
          <select
            id={`${id}-groups`}
            aria-describedby={`${id}-groups-hint`}
            value={groups}
            // The default is left unwritten, so the arm follows the network's default when the width changes.
            onChange={(e) => {
              const g = Number(e.target.value);
              onChange(without('groups', g === defaultGroups(config.model) ? undefined : g));
            }}
          >
            {groupChoices(config.model).map((g) => (
              <option key={g} value={g}>
                {groupsText(g, config)}
              </option>
            ))}
          </select>
          <span id={`${id}-groups-hint`} className="visually-hidden">
            {groupsHint}
          </span>
        </div>
      )}
      <details className="arm-own">
        <summary>
          Arm {index + 1}&rsquo;s own settings{own ? ` (${own})` : ''}
        </summary>
        <div className="arm-own-grid">
          <label htmlFor={`${id}-label`}>
            <span className="visually-hidden">Arm {index + 1} </span>
            Label
          </label>
          <CommitInput
            id={`${id}-label`}
            value={arm.label ?? ''}
            placeholder={armName({ ...arm, label: undefined }, config)}
            parse={(t) => {
              const s = t.trim();
              return s === '' ? undefined : s.length <= 40 ? s : null;
            }}
            onCommit={(v) => onChange(without('label', v))}
          />
          <label htmlFor={`${id}-lr`}>
            <span className="visually-hidden">Arm {index + 1} </span>
            Learning rate
          </label>
          <CommitInput
            id={`${id}-lr`}
            inputMode="decimal"
            value={arm.learningRate === undefined ? '' : String(arm.learningRate)}
            placeholder={`${formatNumber(config.optimizer.learningRate)} (all arms)`}
            parse={parseWithin('optimizer.learningRate')}
            onCommit={(v) => onChange(without('learningRate', v))}
          />
          <label htmlFor={`${id}-scale`}>
            <span className="visually-hidden">Arm {index + 1} </span>
            Initial {scaleWord}
          </label>
          <CommitInput
            id={`${id}-scale`}
            inputMode="decimal"
            value={arm.initScale === undefined ? '' : String(arm.initScale)}
            placeholder={`${formatNumber(config.init.scale)} (all arms)`}
            parse={parseWithin('init.scale')}
            onCommit={(v) => onChange(without('initScale', v))}
          />
          {arm.norm !== 'none' && (
            <>
              <label htmlFor={`${id}-place`}>
            <span className="visually-hidden">Arm {index + 1} </span>
            Placement
          </label>
              <select
                id={`${id}-place`}
                value={arm.placement ?? ''}
                onChange={(e) => onChange(without('placement', e.target.value === '' ? undefined : e.target.value))}
              >
                <option value="">{config.normalization.placement} (all arms)</option>
                {PLACEMENTS.map((p) => (
                  <option key={p} value={p}>
                    {p} the nonlinearity
                  </option>
                ))}
              </select>
            </>
          )}
          {arm.norm === 'batch' && (
            <>
              <label htmlFor={`${id}-noise`}>
                <span className="visually-hidden">Arm {index + 1} </span>
                Noise after BN
              </label>
              <CommitInput
                id={`${id}-noise`}
                inputMode="decimal"
                value={arm.noise === undefined ? '' : String(arm.noise)}
                placeholder="0 (none)"
                parse={parseWithin('arms.0.noise')}
                onCommit={(v) => onChange(without('noise', v))}
              />
            </>
          )}
        </div>
        <p className="field-hint">
          Empty fields follow the settings of all arms. Learning rate {lr ? `${formatNumber(lr.min)} … ${formatNumber(lr.max)}` : ''}; initial {scaleWord}{' '}
          {sc ? `${formatNumber(sc.min)} … ${formatNumber(sc.max)}` : ''}.
          {arm.norm === 'batch' &&
            ` Noise after BN (Santurkar et al. 2018), in training only: each unit shifted by up to ±n and scaled by 1/(1 + n) … 1 + n, anew every step; n ${nz ? `${formatNumber(nz.min)} … ${formatNumber(nz.max)}` : ''}.`}
        </p>
      </details>
    </div>
  );
}
