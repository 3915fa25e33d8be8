/**
 * CSV as RFC 4180 writes it, made safe to open in a spreadsheet: one writer for the CLI's `--out FILE.csv` and
 * the lab's download, so the two files are the same bytes. Pure: no Node or DOM APIs.
 *
 * - A field holding a comma, a double quote, CR or LF is enclosed in double quotes, each quote doubled (§2.5–2.7).
 * - Records end in CRLF (§2.1), the last one too, and so does the header; a line break inside a quoted field is
 *   kept as it was.
 * - Formula injection (OWASP "CSV injection"): Excel, LibreOffice and Google Sheets evaluate a cell that starts
 *   with `=`, `+`, `-` or `@` (and a leading tab or CR can hide one). A text cell that starts with any of them gets
 *   a leading apostrophe, which the spreadsheets read as "this is text". Numbers are written as numbers, so a
 *   negative loss stays -0.5, not '-0.5.
 */

/** A number (written as a number; NaN and ±Infinity as an empty cell), text, or nothing (an empty cell). */
export type CsvCell = string | number | null | undefined;

export const CSV_EOL = '\r\n';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell, escaped for spreadsheets and quoted where RFC 4180 requires it. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A table (header first, if any) as CSV text: every record, the last included, ends in CRLF. */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((row) => row.map(csvCell).join(',') + CSV_EOL).join('');
}

/**
 * Reads RFC 4180 text back into rows of strings (quotes removed, doubled quotes undone; the apostrophe that
 * guards a formula stays, as a spreadsheet would show it). Accepts CRLF or LF record ends. For tests and for
 * checking a download; throws on a quote that is never closed or a quote inside an unquoted field.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field === '') {
      // A quoted field: runs to the next quote that is not doubled.
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new Error(`CSV: a quote opened at offset ${i} is never closed`);
        field += text.slice(j, q);
        if (text[q + 1] === '"') {
          field += '"';
          j = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') throw new Error(`CSV: text after a closing quote at offset ${i}`);
      continue;
    }
    if (c === '"') throw new Error(`CSV: a quote inside an unquoted field at offset ${i}`);
    if (c === ',') endField();
    else if (c === '\r' && text[i + 1] === '\n') {
      endRow();
      i++;
    } else if (c === '\n') endRow();
    else field += c;
    i++;
  }
  // Text that does not end in a line break still ends its last record.
  if (field !== '' || row.length > 0) endRow();
  return rows;
}
