import './lessons.css';
import { Fragment, useEffect, useId, useMemo, useState } from 'react';
import type { StoreApi } from 'zustand';
import type { ExperimentConfig } from '../../config/schema';
import { LESSONS, lessonByName, type Conclusion, type Lesson } from '../../lessons';
import { useLab, useLabStore, useSend } from '../../store/context';
import type { LabState } from '../../store/labStore';
import { flushPendingRunTo, useLessonActions } from './useLessonActions';

/** Two configurations that differ only in their schedule belong to one run (a change "from now on"). */
function sameRun(a: ExperimentConfig, b: ExperimentConfig): boolean {
  return JSON.stringify({ ...a, schedule: [] }) === JSON.stringify({ ...b, schedule: [] });
}

/**
 * The configuration of the run whose history is in the store. The store's configuration changes as soon as a
 * setting (or a lesson step) is applied, but the history is the old run's until the new run is ready: a sentence
 * computed from the two would describe a run that never happened. Null while a new run is on its way.
 */
function useRunConfig(store: StoreApi<LabState>): ExperimentConfig | null {
  const [runConfig, setRunConfig] = useState(() => store.getState().config);
  useEffect(
    () =>
      store.subscribe((s, prev) => {
        if (s.run.runId !== prev.run.runId) setRunConfig(s.config);
        else if (s.config !== prev.config && sameRun(s.config, prev.config)) setRunConfig(s.config);
      }),
    [store],
  );
  const config = useLab((s) => s.config);
  return sameRun(config, runConfig) ? config : null;
}

function ConclusionText({ conclusion }: { conclusion: Conclusion }) {
  return (
    <>
      {conclusion.parts.map((p, i) =>
        typeof p === 'string' ? (
          <Fragment key={i}>{p}</Fragment>
        ) : (
          <span key={i} className="lesson-figure" data-arm={p.arm} data-metric={p.metric} data-step={p.step}>
            {p.text}
          </span>
        ),
      )}
    </>
  );
}

/** The learner's prediction: asked before Play, kept (and shown beside the result) once the run has started. */
function Prediction({ lesson, started }: { lesson: Lesson; started: boolean }) {
  const [choice, setChoice] = useState<number | null>(null);
  const name = useId();
  if (started && choice !== null) {
    return (
      <p className="lesson-predicted">
        You predicted: <strong>{lesson.predictions[choice]}</strong>
      </p>
    );
  }
  return (
    <fieldset className="lesson-predict" disabled={started}>
      <legend>{started ? 'The run has started: make a prediction for the next one' : 'Your prediction, before you press Play'}</legend>
      <div className="lesson-choices">
        {lesson.predictions.map((p, i) => (
          <label key={p} className={choice === i ? 'chosen' : undefined}>
            <input type="radio" name={name} checked={choice === i} onChange={() => setChoice(i)} />
            {p}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/**
 * The lesson beside the views: its title, the question to predict before Play, the step's instructions, Back and
 * Next (each step is a configuration, applied the way the controls apply one), and the closing sentence computed
 * from the run on screen, from the same probes as the Summary table.
 */
export function LessonPanel() {
  const store = useLabStore();
  const send = useSend();
  const state = useLab((s) => s.lesson);
  const history = useLab((s) => s.history);
  const revision = useLab((s) => s.revision);
  const latest = useLab((s) => s.latest);
  const runId = useLab((s) => s.run.runId);
  const status = useLab((s) => s.run.status);
  const step = useLab((s) => s.run.step);
  const runConfig = useRunConfig(store);
  const { open, leave } = useLessonActions();
  const [folded, setFolded] = useState(false);
  const lesson = state ? lessonByName(state.name) : undefined;

  useEffect(() => flushPendingRunTo(store, send), [store, send, runId, status]);

  const conclusion = useMemo(
    () => (lesson && runConfig && revision >= 0 && status === 'ready' ? lesson.conclude(history, runConfig, latest) : null),
    [lesson, runConfig, history, latest, revision, status],
  );

  if (!state || !lesson) return null;
  const index = Math.min(state.step, lesson.steps.length - 1);
  const current = lesson.steps[index]!;
  const number = LESSONS.indexOf(lesson) + 1;
  const titleId = `lesson-title-${lesson.name}`;
  return (
    <section className={`lesson-panel${folded ? ' folded' : ''}`} aria-labelledby={titleId}>
      <header className="lesson-head">
        <p className="lesson-kicker">
          Lesson {number} of {LESSONS.length}
        </p>
        <h2 id={titleId}>{lesson.title}</h2>
        <button type="button" className="lesson-fold" aria-expanded={!folded} aria-controls={`${titleId}-body`} onClick={() => setFolded((f) => !f)}>
          {folded ? 'Show' : 'Hide'}
        </button>
        <button type="button" className="icon" aria-label="Leave the lesson" title="Leave the lesson" onClick={leave}>
          ×
        </button>
      </header>
      {!folded && (
        <div className="lesson-body" id={`${titleId}-body`}>
          <div className="lesson-question">
            <p className="lesson-q">
              <span className="lesson-label">Question</span> {lesson.question}
            </p>
            <Prediction key={lesson.name} lesson={lesson} started={step > 0} />
          </div>
          <div className="lesson-step">
            <h3>
              <span className="lesson-label">
                Step {index + 1} of {lesson.steps.length}
              </span>{' '}
              {current.title}
            </h3>
            <p>{current.text}</p>
          </div>
          <p className={`lesson-conclusion${conclusion?.ready ? ' ready' : ''}`} role="status" aria-live="polite" data-testid="lesson-conclusion">
            {conclusion ? <ConclusionText conclusion={conclusion} /> : status === 'error' ? 'The run stopped with an error (see above): press Restart this step.' : 'Starting the run…'}
          </p>
        </div>
      )}
      <nav className="lesson-nav" aria-label="Lesson steps">
        <button type="button" disabled={index === 0} onClick={() => open(lesson.name, index - 1)}>
          ‹ Back
        </button>
        <span className="lesson-count" aria-live="polite">
          Step {index + 1} of {lesson.steps.length}
        </span>
        <button type="button" className={index < lesson.steps.length - 1 ? 'primary' : undefined} disabled={index === lesson.steps.length - 1} onClick={() => open(lesson.name, index + 1)}>
          Next ›
        </button>
        <button type="button" className="lesson-restart" onClick={() => open(lesson.name, index)}>
          Restart this step
        </button>
        {index === lesson.steps.length - 1 && number < LESSONS.length && (
          <button type="button" className="lesson-next-lesson" onClick={() => open(LESSONS[number]!.name, 0)}>
            Next lesson: {LESSONS[number]!.title.split(':')[0]} ›
          </button>
        )}
      </nav>
    </section>
  );
}
