import { describe, it, expect } from 'vitest';
import { tooltipPosition } from './tooltipMath';

describe('tooltipPosition', () => {
  it('goes right of the pointer when it fits, else left, else inside the box', () => {
    expect(tooltipPosition(100, 100, 150, 60, 500, 260)).toEqual({ left: 114, top: 76 });
    expect(tooltipPosition(400, 100, 150, 60, 500, 260)).toEqual({ left: 236, top: 76 });
    expect(tooltipPosition(200, 100, 400, 60, 450, 260).left).toBe(50);
    expect(tooltipPosition(200, 100, 600, 60, 450, 260).left).toBe(0);
  });

  it('stays inside the box vertically', () => {
    expect(tooltipPosition(10, 5, 100, 60, 500, 260).top).toBe(0);
    expect(tooltipPosition(10, 250, 100, 60, 500, 260).top).toBe(200);
  });
});
