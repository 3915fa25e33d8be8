import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, parseCsv, toCsv, type CsvCell } from './csv';
import { createHistory, historyToCsv, type ArmHistory } from './history';

describe('csvCell: RFC 4180 quoting and spreadsheet-formula escaping', () => {
  it('quotes a field holding a comma, a quote, CR or LF, and doubles its quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('a ",b')).toBe('"a "",b"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
    expect(csvCell('')).toBe('');
  });

  it('prefixes an apostrophe to a text cell a spreadsheet would run as a formula', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    // Escaped first, then quoted: the CR needs quotes too.
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('writes numbers as numbers (a negative stays a number), and non-finite numbers and null as empty cells', () => {
    expect(csvCell(-0.5)).toBe('-0.5');
    expect(csvCell(1e-7)).toBe('1e-7');
    expect(csvCell(3)).toBe('3');
    expect(csvCell(NaN)).toBe('');
    expect(csvCell(Infinity)).toBe('');
    expect(csvCell(-Infinity)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });
});

describe('toCsv and parseCsv', () => {
  it('ends every record, the last one too, with CRLF', () => {
    expect(toCsv([['a', 'b'], [1, -2]])).toBe('a,b\r\n1,-2\r\n');
    expect(toCsv([['x\ny', 'z']])).toBe('"x\ny",z\r\n');
  });

  it('reads LF and CRLF files, quoted line breaks and doubled quotes, and refuses a broken quote', () => {
    expect(parseCsv('a,b\n1,2\n')).toEqual([['a', 'b'], ['1', '2']]);
    expect(parseCsv('a,"b\r\nc",""""\r\n,\r\n')).toEqual([['a', 'b\r\nc', '"'], ['', '']]);
    expect(parseCsv('last,line')).toEqual([['last', 'line']]);
    expect(() => parseCsv('"open')).toThrow(/never closed/);
    expect(() => parseCsv('a"b')).toThrow(/unquoted/);
    expect(() => parseCsv('"a"b')).toThrow(/after a closing quote/);
  });

  it('round-trips any table: same rows, same columns, text guarded against formulas', () => {
    const cell: fc.Arbitrary<CsvCell> = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'Z', '0', ',', '"', '\r', '\n', '=', '+', '-', '@', '\t', ' ', 'é', "'") }),
      fc.double(),
      fc.constant(null),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }).chain((cols) => fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 8 })), (rows) => {
        const back = parseCsv(toCsv(rows));
        const expected = rows.map((r) =>
          r.map((c) => {
            if (typeof c === 'number') return Number.isFinite(c) ? String(c) : '';
            if (c === null || c === undefined) return '';
            return /^[=+\-@\t\r]/.test(c) ? `'${c}` : c;
          }),
        );
        // A row of one empty cell is an empty line, which reads back as one empty field: the same row.
        expect(back).toEqual(expected);
        for (const row of back) expect(row).toHaveLength(rows[0]!.length);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('historyToCsv', () => {
  function history(names: string[]): ArmHistory[] {
    const h = createHistory(names.map((name) => ({ name, norm: 'none' })), [4, 4]);
    for (const arm of h) {
      arm.steps.push(0, 10);
      arm.trainLoss.push(0.7, NaN);
      arm.testLoss.push(0.69, 0.5);
      arm.testAccuracy.push(0.5, 0.75);
      for (const l of arm.layers) {
        for (const k of ['p5', 'p15', 'p50', 'p85', 'p95'] as const) l.percentiles[k].push(-1.5, -0.25);
        for (const series of [l.mean, l.std, l.inputMean, l.inputVariance, l.gradNorm, l.ics.l2, l.ics.cos]) series.push(-0.125, 2);
      }
    }
    return h;
  }

  it('keeps the columns whatever an arm is called, and escapes a label that looks like a formula', () => {
    const text = historyToCsv(history(['a ",b', '=1+1']));
    const rows = parseCsv(text);
    const header = rows[0]!;
    expect(header).toEqual([
      ...['arm', 'step', 'trainLoss', 'testLoss', 'testAccuracy', 'layer', 'p5', 'p15', 'p50', 'p85', 'p95', 'mean', 'std', 'inputMean', 'inputVariance', 'gradNorm', 'icsL2', 'icsCos'],
      ...['inferenceP5', 'inferenceP15', 'inferenceP50', 'inferenceP85', 'inferenceP95', 'inferenceMean', 'inferenceStd'],
    ]);
    // Arms without batch norm: inference mode is the same computation, so its columns repeat training mode's.
    expect(rows[1]![header.indexOf('inferenceP5')]).toBe('-1.5');
    expect(rows[1]![header.indexOf('inferenceMean')]).toBe('-0.125');
    // 2 arms × 2 probes × 2 layers, each with the header's column count.
    expect(rows).toHaveLength(1 + 2 * 2 * 2);
    for (const row of rows) expect(row).toHaveLength(header.length);
    expect(rows[1]![0]).toBe('a ",b');
    expect(rows[5]![0]).toBe("'=1+1");
    // Negative numbers are numbers, not guarded text; NaN is an empty cell.
    expect(rows[1]![header.indexOf('p5')]).toBe('-1.5');
    expect(rows[1]![header.indexOf('mean')]).toBe('-0.125');
    expect(rows[3]![header.indexOf('trainLoss')]).toBe('');
    expect(text.split('\r\n')).toHaveLength(rows.length + 1);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });
});
