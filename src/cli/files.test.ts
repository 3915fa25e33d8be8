import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/schema';
import { MAX_CONFIG_BYTES, prepareOutput, readConfigFile } from './files';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bnx-files-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The one-line problems a call reports, or [] if it succeeds. */
function problems(fn: () => unknown): string[] {
  try {
    fn();
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

function fifo(name: string): string {
  const p = path.join(dir, name);
  execFileSync('mkfifo', [p]);
  return p;
}

describe('readConfigFile', () => {
  it('reads a JSON configuration', () => {
    const f = path.join(dir, 'ok.json');
    fs.writeFileSync(f, '{"seed": 3}');
    expect(readConfigFile(f)).toEqual({ seed: 3 });
  });

  it('says in one line why a file cannot be a configuration: missing, a directory, not JSON, a FIFO, too big', () => {
    const notJson = path.join(dir, 'bad.json');
    fs.writeFileSync(notJson, '{"seed": 3,\n');
    const big = path.join(dir, 'big.json');
    fs.writeFileSync(big, ' '.repeat(MAX_CONFIG_BYTES + 1));
    const cases: [string, RegExp][] = [
      [path.join(dir, 'missing.json'), /: no such file or directory$/],
      [dir, /: is a directory, not a JSON file$/],
      [notJson, /: is not valid JSON \(.+\)$/],
      // Reading a FIFO would wait for a writer forever.
      [fifo('config.fifo'), /: is not a regular file$/],
      [big, /: is \d+ bytes; a configuration is at most \d+ bytes$/],
    ];
    for (const [file, message] of cases) {
      const p = problems(() => readConfigFile(file));
      expect(p, file).toHaveLength(1);
      expect(p[0]).toMatch(/^--config "/);
      expect(p[0]).toMatch(message);
      expect(p[0]).not.toMatch(/\n/);
    }
  });
});

describe('prepareOutput: --out is checked before training', () => {
  it('accepts a new file in an existing directory and leaves nothing behind', () => {
    const out = path.join(dir, 'new.json');
    expect(problems(() => prepareOutput(out, { mkdir: false }))).toEqual([]);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('leaves an existing file as it was', () => {
    const out = path.join(dir, 'kept.csv');
    fs.writeFileSync(out, 'old contents');
    expect(problems(() => prepareOutput(out, { mkdir: false }))).toEqual([]);
    expect(fs.readFileSync(out, 'utf8')).toBe('old contents');
  });

  it('refuses a missing directory and does not create it, unless --mkdir asks', () => {
    const out = path.join(dir, 'a', 'b', 'run.json');
    const p = problems(() => prepareOutput(out, { mkdir: false }));
    expect(p).toEqual([`--out "${out}": the directory ${path.dirname(out)} does not exist (add --mkdir to create it)`]);
    expect(fs.existsSync(path.join(dir, 'a'))).toBe(false);
    expect(problems(() => prepareOutput(out, { mkdir: true }))).toEqual([]);
    expect(fs.statSync(path.dirname(out)).isDirectory()).toBe(true);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('refuses a directory, a FIFO and a path through a file', () => {
    const sub = path.join(dir, 'taken.json');
    fs.mkdirSync(sub);
    expect(problems(() => prepareOutput(sub, { mkdir: false }))).toEqual([`--out "${sub}": is a directory`]);
    const pipe = fifo('out.csv');
    expect(problems(() => prepareOutput(pipe, { mkdir: false }))).toEqual([`--out "${pipe}": is not a regular file`]);
    const file = path.join(dir, 'plain.txt');
    fs.writeFileSync(file, '');
    const through = path.join(file, 'run.json');
    expect(problems(() => prepareOutput(through, { mkdir: true }))).toEqual([`--out "${through}": ${file} is not a directory`]);
  });

  // These hung (recursive mkdir under /proc never returns) or were found only after training. The test
  // finishing at all is the point; Vitest's timeout catches a hang.
  it.runIf(fs.existsSync('/proc/self'))('fails at once where no file can be made: /proc, with and without --mkdir', { timeout: 30_000 }, () => {
    expect(problems(() => prepareOutput('/proc/bnx-run.json', { mkdir: false }))).toEqual(['--out "/proc/bnx-run.json": cannot write there: /proc takes no new files']);
    expect(problems(() => prepareOutput('/proc/bnx/run.json', { mkdir: false }))).toEqual([
      '--out "/proc/bnx/run.json": the directory /proc/bnx does not exist (add --mkdir to create it)',
    ]);
    const p = problems(() => prepareOutput('/proc/bnx/deeper/run.json', { mkdir: true }));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^--out "\/proc\/bnx\/deeper\/run\.json": cannot create the directory \/proc\/bnx: /);
  });
});
