import { describe, expect, it } from 'vitest';
import { projectorGrid } from './projectorLayout';

const place = (g: ReturnType<typeof projectorGrid>) => Object.fromEntries(g.cells.map((c) => [c.view, [c.row, c.column, c.span]]));

describe('projectorGrid: the chosen views on one screen', () => {
  it('one view fills the screen; two sit side by side at full height', () => {
    expect(projectorGrid(['inspector'])).toEqual({ columns: 'repeat(1, minmax(0, 1fr))', rows: 'minmax(0, 1fr)', cells: [{ view: 'inspector', row: 1, column: 1, span: 1 }] });
    const two = projectorGrid(['distributions', 'convergence']);
    expect(two.columns).toBe('repeat(2, minmax(0, 1fr))');
    expect(two.rows).toBe('minmax(0, 1fr)');
    // In the lab's order, whatever the order of the link.
    expect(place(two)).toEqual({ convergence: [1, 1, 1], distributions: [1, 2, 1] });
  });

  it('a wide view takes more of the width, or a row of its own', () => {
    const pair = projectorGrid(['inspector', 'convergence']);
    expect(pair.columns).toBe('minmax(0, 2fr) minmax(0, 3fr)');
    expect(place(pair)).toEqual({ convergence: [1, 1, 1], inspector: [1, 2, 1] });
    expect(projectorGrid(['ics', 'inspector']).columns).toBe('repeat(2, minmax(0, 1fr))');
    const three = projectorGrid(['convergence', 'distributions', 'ics']);
    expect(three.columns).toBe('repeat(2, minmax(0, 1fr))');
    expect(place(three)).toEqual({ convergence: [1, 1, 1], distributions: [1, 2, 1], ics: [2, 1, 2] });
    expect(place(projectorGrid(['convergence', 'ics', 'inspector']))).toEqual({ convergence: [1, 1, 1], ics: [1, 2, 1], inspector: [2, 1, 2] });
  });

  it('four as 2 × 2, five as 3 + 2, and the network on top as tall as it needs', () => {
    expect(place(projectorGrid(['convergence', 'distributions', 'ics', 'inspector']))).toEqual({
      convergence: [1, 1, 1],
      distributions: [1, 2, 1],
      ics: [2, 1, 1],
      inspector: [2, 2, 1],
    });
    const five = projectorGrid(['convergence', 'distributions', 'boundary', 'ics', 'inspector']);
    expect(five.columns).toBe('repeat(6, minmax(0, 1fr))');
    expect(place(five)).toEqual({ convergence: [1, 1, 2], distributions: [1, 3, 2], boundary: [1, 5, 2], ics: [2, 1, 3], inspector: [2, 4, 3] });
    const net = projectorGrid(['network', 'convergence', 'distributions']);
    expect(net.rows).toBe('auto minmax(0, 1fr)');
    expect(place(net)).toEqual({ network: [1, 1, 2], convergence: [2, 1, 1], distributions: [2, 2, 1] });
    expect(projectorGrid(['network']).rows).toBe('auto');
  });
});
