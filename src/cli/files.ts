import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/schema';
import { oneLine, shown } from './args';

/**
 * The experiment runner's file handling, checked up front so that a mistake costs a second, not a run: every
 * problem is a ConfigError of one line (exit status 2, no stack trace).
 */

/** A configuration is a few hundred bytes; this refuses /dev/zero and the like before reading them. */
export const MAX_CONFIG_BYTES = 1 << 20;

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENXIO: 'a pipe or device with nothing on the other end',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
};

/** An fs error in a few words ("permission denied"), not Node's "EACCES: permission denied, open '…'". */
export function fsReason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && REASONS[code]) return REASONS[code];
  return oneLine(e instanceof Error ? e.message : String(e));
}

/** Reads and parses a --config file, or says in one line why it cannot: missing, a directory, too big, not JSON. */
export function readConfigFile(file: string): unknown {
  const where = `--config ${shown(file)}`;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    throw new ConfigError([`${where}: ${fsReason(e)}`]);
  }
  if (stat.isDirectory()) throw new ConfigError([`${where}: is a directory, not a JSON file`]);
  // A FIFO or a device would block or never end.
  if (!stat.isFile()) throw new ConfigError([`${where}: is not a regular file`]);
  if (stat.size > MAX_CONFIG_BYTES) throw new ConfigError([`${where}: is ${stat.size} bytes; a configuration is at most ${MAX_CONFIG_BYTES} bytes`]);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([`${where}: ${fsReason(e)}`]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ConfigError([`${where}: is not valid JSON (${oneLine(e instanceof Error ? e.message : String(e))})`]);
  }
}

/**
 * Creates the missing directories of `dir` one level at a time. Not `mkdirSync(…, { recursive: true })`: under
 * /proc it never returns (Node 20 retries ENOENT forever), which made `--out /proc/x/run.json` hang.
 */
function makeDirectories(dir: string, where: string): void {
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    try {
      if (!fs.statSync(at).isDirectory()) throw new ConfigError([`${where}: ${at} is not a directory`]);
      break;
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      const code = (e as { code?: unknown }).code;
      if (code !== 'ENOENT') throw new ConfigError([`${where}: cannot create ${dir}: ${fsReason(e)}`]);
      missing.unshift(at);
      const up = path.dirname(at);
      if (up === at) throw new ConfigError([`${where}: cannot create ${dir}: ${fsReason(e)}`]);
      at = up;
    }
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      if ((e as { code?: unknown }).code === 'EEXIST' && fs.statSync(d).isDirectory()) continue;
      throw new ConfigError([`${where}: cannot create the directory ${d}: ${fsReason(e)}`]);
    }
  }
}

/**
 * Checks before training that --out can be written: it is not a directory or a special file, its directory
 * exists (or is created, with --mkdir), and the file opens for appending. A file this check creates is removed
 * again, so a run that fails later leaves nothing behind. O_NONBLOCK: opening a FIFO with no reader fails at once
 * (ENXIO) instead of waiting forever.
 */
export function prepareOutput(file: string, opts: { mkdir: boolean }): void {
  const where = `--out ${shown(file)}`;
  const target = path.resolve(file);
  const dir = path.dirname(target);
  try {
    const stat = fs.statSync(target);
    if (stat.isDirectory()) throw new ConfigError([`${where}: is a directory`]);
    if (!stat.isFile()) throw new ConfigError([`${where}: is not a regular file`]);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as { code?: unknown }).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new ConfigError([`${where}: ${fsReason(e)}`]);
  }
  let dirStat: fs.Stats | null = null;
  try {
    dirStat = fs.statSync(dir);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new ConfigError([`${where}: ${dir}: ${fsReason(e)}`]);
  }
  if (dirStat && !dirStat.isDirectory()) throw new ConfigError([`${where}: ${dir} is not a directory`]);
  if (!dirStat) {
    if (!opts.mkdir) throw new ConfigError([`${where}: the directory ${dir} does not exist (add --mkdir to create it)`]);
    makeDirectories(dir, where);
  }
  const { O_WRONLY, O_CREAT, O_EXCL, O_APPEND, O_NONBLOCK } = fs.constants;
  let fd: number;
  let created = true;
  try {
    try {
      fd = fs.openSync(target, O_WRONLY | O_CREAT | O_EXCL | O_NONBLOCK, 0o666);
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'EEXIST') throw e;
      created = false;
      fd = fs.openSync(target, O_WRONLY | O_APPEND | O_NONBLOCK);
    }
  } catch (e) {
    // ENOENT although the directory exists: a file system that takes no new files (/proc, /sys).
    const reason = (e as { code?: unknown }).code === 'ENOENT' ? `${dir} takes no new files` : fsReason(e);
    throw new ConfigError([`${where}: cannot write there: ${reason}`]);
  }
  fs.closeSync(fd);
  if (created) fs.rmSync(target, { force: true });
}

/** Writes the finished output; a failure now (the disk filled during the run) is one line, not a stack trace. */
export function writeOutput(file: string, text: string): string | null {
  try {
    fs.writeFileSync(file, text);
    return null;
  } catch (e) {
    return `could not write ${shown(file)}: ${fsReason(e)}`;
  }
}
