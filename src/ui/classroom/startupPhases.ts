import type { StartupPhase, WaitPhase } from '../../store/labStore';

/** A run's first step is only called out when it takes longer than this (the MLP's is about half a second). */
export const WARMUP_NOTE_AFTER_MS = 1000;
/** After the page's start, a rebuild says what it waits for only when it is slow enough to notice. */
export const REBUILD_NOTE_AFTER_MS = 500;

/** What the page is waiting for, in words: the phase under way. */
export function phaseLabel(p: StartupPhase): string {
  switch (p.phase) {
    case 'engine':
      return 'starting the engine';
    case 'data':
      return p.dataset === 'mnist' ? 'loading the digits' : 'drawing the 2-D data set';
    case 'backends':
      return 'starting the backend';
    case 'build':
      return 'building the networks';
    case 'probe':
      return 'taking the first probe';
  }
}

/** A finished phase, as short as it can be said beside the others. */
export function doneLabel(p: StartupPhase): string {
  switch (p.phase) {
    case 'engine':
      return 'engine';
    case 'data':
      return p.dataset === 'mnist' ? 'digits' : 'data';
    case 'backends':
      return 'backend';
    case 'build':
      return 'networks';
    case 'probe':
      return 'first probe';
  }
}

export interface StartupLine {
  /** The phase under way and how long it has taken so far. */
  current: { label: string; ms: number };
  /** The phases before it, each with how long it took. */
  done: { label: string; ms: number }[];
  /** Since the page began waiting. */
  totalMs: number;
}

/** The progress line's content at time `now` (the page's clock), or null when nothing is awaited. */
export function startupLine(waiting: readonly WaitPhase[], now: number): StartupLine | null {
  const last = waiting[waiting.length - 1];
  if (!last) return null;
  const done = waiting.slice(0, -1).map((w, i) => ({ label: doneLabel(w.phase), ms: Math.max(0, waiting[i + 1]!.at - w.at) }));
  return { current: { label: phaseLabel(last.phase), ms: Math.max(0, now - last.at) }, done, totalMs: Math.max(0, now - waiting[0]!.at) };
}

/** Seconds with one decimal ("0.4 s", "12.3 s"); whole seconds from a minute on ("75 s"). */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}
