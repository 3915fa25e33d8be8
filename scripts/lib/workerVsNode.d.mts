// Types of workerVsNode.mjs, for its test (the benchmark itself runs as plain Node).
export declare const WORKER_TARGET: number;
export declare const NODE_FRESH_MS: number;

export interface NodeRow {
  preset: string;
  backend: string;
  stepsPerSecond: number;
  path?: string;
  arms?: number;
}

export interface NodeBench {
  rows: NodeRow[];
  date: string | null;
  ageMs: number | null;
  stale: boolean;
  problem: string | null;
  loadAverage?: unknown;
}

export interface WorkerRate {
  preset: string;
  backend: string;
  stepsPerSecond: number;
  rounds: number[];
}

export interface Comparison extends WorkerRate {
  node: { stepsPerSecond: number; path: string | null; arms: number | null; date: string | null; stale: boolean } | null;
  ratio: number | null;
  met: boolean | null;
  note: string | null;
}

export declare function readNodeBench(text: string | null, now: number): NodeBench;
export declare function ago(ms: number): string;
export declare function compareWithNode(worker: WorkerRate, node: NodeBench): Comparison;
export declare function stepsPerSecond(samples: [number, number][]): number | null;
