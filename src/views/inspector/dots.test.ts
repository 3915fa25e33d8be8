import { describe, expect, it } from 'vitest';
import { dotsPath } from './dots';

describe('dotsPath', () => {
  it('draws each dot as two arcs from its left edge, in the scale’s coordinates', () => {
    const d = dotsPath([{ x: 1, y: 2 }, { x: 3, y: 4 }], (v) => v * 10, (v) => 100 - v * 10, 2.5);
    expect(d).toBe('M7.5,80a2.5,2.5 0 1,0 5,0a2.5,2.5 0 1,0 -5,0M27.5,60a2.5,2.5 0 1,0 5,0a2.5,2.5 0 1,0 -5,0');
  });

  it('rounds to a hundredth of a pixel and skips what the scale cannot place', () => {
    const d = dotsPath([{ x: 1 / 3, y: 0 }, { x: NaN, y: 1 }], (v) => v, (v) => v, 1);
    expect(d).toBe('M-0.67,0a1,1 0 1,0 2,0a1,1 0 1,0 -2,0');
    expect(dotsPath([], (v) => v, (v) => v, 1)).toBe('');
  });
});
