import './lessons.css';
import { useState } from 'react';
import { useModalDialog } from '../useModalDialog';
import { LESSONS } from '../../lessons';
import { useLab } from '../../store/context';
import { useLessonActions } from './useLessonActions';

/**
 * The way into the lessons: a button (atop the sidebar on wide screens, in the header on narrow ones) and a modal
 * list of every lesson with its one-line title. Choosing one opens its first step (a new run with the step's
 * configuration), and the lesson panel appears above the views.
 */
export function LessonsMenu({ placement = 'header' }: { placement?: 'header' | 'sidebar' }) {
  const [open, setOpen] = useState(false);
  const ref = useModalDialog(open);
  const current = useLab((s) => s.lesson?.name ?? null);
  const { open: openLesson } = useLessonActions();
  return (
    <>
      <button type="button" className={`lessons-button ${placement}`} aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Lessons{placement === 'sidebar' && <span className="lessons-button-note">{LESSONS.length} guided experiments</span>}
      </button>
      <dialog ref={ref} className="lessons-dialog" aria-labelledby="lessons-title" onClose={() => setOpen(false)} onCancel={() => setOpen(false)}>
        <h2 id="lessons-title">Lessons</h2>
        <p className="lessons-intro">
          Each lesson is an experiment with a question to answer before you press Play; its closing sentence is computed from
          the run on your screen. Opening one restarts the run with its settings.
        </p>
        <ol className="lessons-list">
          {LESSONS.map((l) => (
            <li key={l.name}>
              <button
                type="button"
                aria-current={current === l.name ? 'true' : undefined}
                onClick={() => {
                  openLesson(l.name, 0);
                  setOpen(false);
                }}
              >
                <span className="lessons-item-title">{l.title}</span>
                <span className="lessons-item-meta">
                  {l.steps.length} step{l.steps.length === 1 ? '' : 's'} · <code>?lesson={l.name}</code>
                </span>
              </button>
            </li>
          ))}
        </ol>
        <form method="dialog">
          <button type="submit">Close</button>
        </form>
      </dialog>
    </>
  );
}
