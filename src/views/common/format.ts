/**
 * The lab's number formats, one of each. Views, captions, lessons and the Summary all write numbers through these,
 * so the same quantity reads the same everywhere ("1,250" steps, "92.3%" accuracy, "0.0374" or "1.75e-8").
 */

/** A whole count with thousands separators: "1,250". Used for steps, parameter counts and sample sizes. */
export function formatInteger(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A step number as every view writes it: "12,000". */
export const formatStep = formatInteger;

export interface SignificantOptions {
  /** Significant digits (3 unless given). */
  digits?: number;
  /** A typographic minus sign (U+2212) instead of the hyphen: for text set in the page rather than in a table. */
  minus?: boolean;
}

/**
 * `digits` significant digits ("0.0374", "0.166", "2.303"), exponent form for the very small and very large
 * ("1.75e-8", "3.20e+5"): for measures whose size varies over decades. "–" when missing or NaN, "∞" for infinity.
 */
export function formatSignificant(v: number | undefined, { digits = 3, minus = false }: SignificantOptions = {}): string {
  if (v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a < 1e-3 || a >= 1e5 ? v.toExponential(2) : v.toPrecision(digits);
  return minus ? s.replace('-', '−') : s;
}

/** A fraction as a percentage with one decimal: 0.9234 → "92.3%"; "–" when missing or not finite. */
export function formatFraction(v: number | undefined): string {
  return v !== undefined && Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '–';
}

/** A milestone as a reader says it: "90%", "99%", "97.5%" (no trailing ".0"). */
export function formatMilestone(v: number): string {
  const p = Math.round(v * 1000) / 10;
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}
