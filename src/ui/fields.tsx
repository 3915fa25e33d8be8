import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { nearestIndex, valueForKey, type SliderScale } from './sliderScale';

interface FieldProps {
  label: string;
  /** The current value as shown, with units. */
  display?: ReactNode;
  /** A longer explanation: a tooltip for the pointer, the control's description for assistive technology. */
  hint?: string;
  children: (id: string, describedBy: string | undefined) => ReactNode;
}

/** A labelled control row: label and current value on one line, the control under it. */
export function Field({ label, display, hint, children }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className="field" title={hint}>
      <div className="field-head">
        <label htmlFor={id}>{label}</label>
        {display !== undefined && <output htmlFor={id}>{display}</output>}
      </div>
      {children(id, hintId)}
      {hint && (
        <span id={hintId} className="visually-hidden">
          {hint}
        </span>
      )}
    </div>
  );
}

export function SelectField<T extends string>(props: {
  label: string;
  value: T;
  options: readonly (readonly [T, string])[];
  onChange: (v: T) => void;
  hint?: string;
  disabled?: (v: T) => boolean;
}) {
  return (
    <Field label={props.label} hint={props.hint}>
      {(id, describedBy) => (
        <select id={id} aria-describedby={describedBy} value={props.value} onChange={(e) => props.onChange(e.target.value as T)}>
          {props.options.map(([v, text]) => (
            <option key={v} value={v} disabled={props.disabled?.(v)}>
              {text}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/**
 * A slider over a scale of values (sliderScale.ts): position i is `scale.values[i]`, so the shown, announced and
 * committed values are one number. It shows its value while dragging but commits only when released (the native
 * change event), so a drag across the learning-rate range restarts the run once, not forty times. The keys step
 * from the current value to its neighbour on the scale, also from a value a link set between two scale values.
 */
export function SliderField(props: {
  label: string;
  value: number;
  scale: SliderScale;
  format: (v: number) => ReactNode;
  onCommit: (v: number) => void;
  hint?: string;
}) {
  const { scale, value, onCommit } = props;
  const [draft, setDraft] = useState<number | null>(null);
  const ref = useRef<HTMLInputElement>(null);
  // Keys pressed faster than the store answers step on from the value last committed, not from the stale prop.
  const pending = useRef<{ from: number; to: number } | null>(null);
  useEffect(() => {
    pending.current = null;
  }, [value]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const commit = () => {
      setDraft(null);
      const v = scale.values[Number(el.value)];
      if (v !== undefined && v !== value) onCommit(v);
    };
    el.addEventListener('change', commit);
    return () => el.removeEventListener('change', commit);
  }, [scale, value, onCommit]);
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const from = pending.current?.from === value ? pending.current.to : value;
    const next = valueForKey(scale, from, e.key);
    if (next === null) return;
    // The browser's own step would move the thumb to the neighbour of its rounded position, not of the value.
    e.preventDefault();
    if (next === from) return;
    pending.current = { from: value, to: next };
    setDraft(null);
    onCommit(next);
  };
  const shown = draft ?? value;
  const formatted = props.format(shown);
  return (
    <Field label={props.label} display={formatted} hint={props.hint}>
      {(id, describedBy) => (
        <input
          ref={ref}
          id={id}
          aria-describedby={describedBy}
          type="range"
          min={0}
          max={scale.values.length - 1}
          step={1}
          value={nearestIndex(scale, shown)}
          aria-valuetext={typeof formatted === 'string' ? formatted : String(shown)}
          onChange={(e) => setDraft(scale.values[Number(e.target.value)] ?? null)}
          onKeyDown={onKeyDown}
        />
      )}
    </Field>
  );
}

/**
 * A whole number typed by hand: edited freely, committed on Enter or when the field loses focus, and only when
 * it is a valid value (an empty or out-of-range entry goes back to the current value).
 */
export function IntegerInput(props: { id: string; describedBy?: string | undefined; value: number; min: number; max: number; onCommit: (v: number) => void }) {
  const { id, value, min, max, onCommit } = props;
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft === null) return;
    const v = Number(draft);
    setDraft(null);
    if (draft.trim() !== '' && Number.isInteger(v) && v >= min && v <= max && v !== value) onCommit(v);
  };
  return (
    <input
      id={id}
      aria-describedby={props.describedBy}
      type="number"
      inputMode="numeric"
      min={min}
      max={max}
      value={draft ?? String(value)}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape' && draft !== null) {
          // Handled: the edit is cancelled, and the settings drawer (which also closes on Escape) stays open.
          e.preventDefault();
          setDraft(null);
        }
      }}
    />
  );
}

/**
 * Text typed by hand, committed on Enter or blur. `parse` turns the text into the value to commit, or undefined
 * for "empty: use the default", or null for "not valid" (the field then goes back to the current value and says so).
 */
export function CommitInput<T>(props: {
  id: string;
  value: string;
  placeholder?: string;
  inputMode?: 'decimal' | 'text';
  ariaLabel?: string;
  parse: (text: string) => T | undefined | null;
  onCommit: (v: T | undefined) => void;
}) {
  const { id, value, parse, onCommit } = props;
  const [draft, setDraft] = useState<string | null>(null);
  const [invalid, setInvalid] = useState(false);
  const commit = () => {
    if (draft === null) return;
    const v = parse(draft);
    setDraft(null);
    if (v === null) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    if (draft.trim() !== value) onCommit(v);
  };
  return (
    <input
      id={id}
      type="text"
      inputMode={props.inputMode ?? 'text'}
      aria-label={props.ariaLabel}
      aria-invalid={invalid || undefined}
      placeholder={props.placeholder}
      value={draft ?? value}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape' && draft !== null) {
          e.preventDefault();
          setDraft(null);
        }
      }}
    />
  );
}
