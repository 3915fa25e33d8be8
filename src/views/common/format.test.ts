import { describe, expect, it } from 'vitest';
import { formatFraction, formatInteger, formatMilestone, formatSignificant, formatStep } from './format';

describe('the lab’s number formats', () => {
  it('writes steps and counts with thousands separators, rounded to whole numbers', () => {
    expect(formatStep(12000)).toBe('12,000');
    expect(formatInteger(78499.6)).toBe('78,500');
  });

  it('gives significant digits, exponent form outside [1e-3, 1e5), and marks what is missing', () => {
    expect(formatSignificant(0.037412)).toBe('0.0374');
    expect(formatSignificant(2.302585, { digits: 4 })).toBe('2.303');
    expect(formatSignificant(1.75e-8)).toBe('1.75e-8');
    expect(formatSignificant(-2.5e-5, { digits: 4, minus: true })).toBe('−2.50e-5');
    expect(formatSignificant(-0.5, { minus: true })).toBe('−0.500');
    expect(formatSignificant(320000)).toBe('3.20e+5');
    expect(formatSignificant(0)).toBe('0');
    expect(formatSignificant(undefined)).toBe('–');
    expect(formatSignificant(NaN)).toBe('–');
    expect(formatSignificant(-Infinity)).toBe('−∞');
  });

  it('writes fractions as percentages and milestones without a trailing .0', () => {
    expect(formatFraction(0.9234)).toBe('92.3%');
    expect(formatFraction(1)).toBe('100.0%');
    expect(formatFraction(undefined)).toBe('–');
    expect(formatMilestone(0.9)).toBe('90%');
    expect(formatMilestone(0.975)).toBe('97.5%');
  });
});
