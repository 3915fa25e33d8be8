import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import { createInterface } from 'node:readline';
import type { TorchRound } from './benchReport';
import { torchChildEnv } from './benchReport';
import type { TorchNetSpec } from './torchSpec';

/** Debian's interpreter, whose python3-torch the project's other PyTorch checks use too. */
export const PYTHON = '/usr/bin/python3';

/** The child's first line: what the anchor runs on, for the report and the JSON. */
export interface TorchHello {
  readonly python: string;
  readonly torch: string;
  readonly numpy: string;
  readonly threads: number;
  readonly mkldnn: boolean;
  readonly blas: { library: string | null; core: string | null; threads: number | null; config: string | null };
  readonly coretypeEnv: string | null;
  readonly sgemmGflops: number;
}

export interface TorchMeasureRequest {
  readonly spec: TorchNetSpec;
  /** Raw training data the child reads: float32 examples (the engine's layout) and uint8 labels. */
  readonly data: { x: string; y: string; count: number };
  readonly budgetMs: number;
  readonly minSteps: number;
  readonly warmupSteps: number;
}

/** A round, plus each arm's count of trainable parameters in PyTorch (checked against the engine's). */
export interface TorchMeasurement extends TorchRound {
  readonly parameters: readonly number[];
}

type Reply = ({ type: 'hello' } & TorchHello) | { type: 'result'; id: number; steps: number; seconds: number; finite: boolean; arms: { name: string; msPerStep: number; parameters: number }[] } | { type: 'error'; id: number | null; message: string };

/**
 * The PyTorch anchor: scripts/torch-bench.py as a long-lived child, so its measurements interleave with the
 * engine's without paying for `import torch` each time. One request at a time, answered in order.
 */
export class TorchAnchor {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private stderr = '';
  private exited: Error | null = null;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly hello: TorchHello,
    lines: AsyncIterableIterator<string>,
  ) {
    void this.pump(lines);
  }

  /**
   * Starts the child, or says in one line why the anchor cannot run here (no interpreter, no torch, a failed start).
   */
  static async start(script: string): Promise<TorchAnchor | { unavailable: string }> {
    if (!fs.existsSync(PYTHON)) return { unavailable: `no ${PYTHON}` };
    const probe = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore', timeout: 120_000 });
    if (probe.status !== 0) return { unavailable: `${PYTHON} cannot import torch (Debian: apt-get install -y python3-torch libopenblas0-pthread)` };
    let cpuinfo = '';
    try {
      cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      /* not Linux: no CPU flags to read, so no OpenBLAS override */
    }
    const child = spawn(PYTHON, [script], { env: torchChildEnv(process.env, cpuinfo), stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    // A failed spawn is reported by the missing first line below, not as an unhandled 'error' event.
    child.on('error', (e) => (stderr += `\n${e.message}`));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => (stderr += s));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await Promise.race([
      lines.next(),
      new Promise<{ done: true; value: undefined }>((resolve) => child.once('exit', () => resolve({ done: true, value: undefined }))),
    ]);
    if (first.done || !first.value) {
      child.kill();
      return { unavailable: `${script} did not start: ${lastLine(stderr) || 'no output'}` };
    }
    const hello = JSON.parse(first.value) as Reply;
    if (hello.type !== 'hello') {
      child.kill();
      return { unavailable: `${script} started with ${first.value.slice(0, 120)}` };
    }
    const { type: _type, ...info } = hello;
    const anchor = new TorchAnchor(child, info, lines);
    anchor.stderr = stderr;
    child.stderr.on('data', (s: string) => (anchor.stderr += s));
    return anchor;
  }

  private async pump(lines: AsyncIterableIterator<string>): Promise<void> {
    try {
      for await (const line of { [Symbol.asyncIterator]: () => lines }) {
        if (!line.trim()) continue;
        const reply = JSON.parse(line) as Reply;
        if (reply.type === 'hello') continue;
        const id = reply.id ?? [...this.waiting.keys()][0];
        const w = id === undefined ? undefined : this.waiting.get(id);
        if (!w || id === undefined) continue;
        this.waiting.delete(id);
        w.resolve(reply);
      }
    } finally {
      this.exited = new Error(`the PyTorch child ended: ${lastLine(this.stderr) || 'no message'}`);
      for (const w of this.waiting.values()) w.reject(this.exited);
      this.waiting.clear();
    }
  }

  /** One measurement: warm-up steps, then lockstep steps of every arm until the budget and the minimum are both met. */
  async measure(req: TorchMeasureRequest): Promise<TorchMeasurement> {
    if (this.exited) throw this.exited;
    const id = this.nextId++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.stdin.write(JSON.stringify({ id, ...req }) + '\n');
    });
    if (reply.type === 'error') throw new Error(`PyTorch: ${reply.message}`);
    if (reply.type !== 'result') throw new Error('PyTorch: unexpected reply');
    return {
      finite: reply.finite,
      steps: reply.steps,
      seconds: reply.seconds,
      networkStepsPerSecond: (reply.steps * reply.arms.length) / reply.seconds,
      arms: reply.arms.map(({ name, msPerStep }) => ({ name, msPerStep })),
      parameters: reply.arms.map((a) => a.parameters),
    };
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}
