import { useCallback, useEffect, useRef } from 'react';
import type { StoreApi } from 'zustand';
import type { ViewName } from '../../config/link';
import type { LabState } from '../../store/labStore';

import { DEFAULT_PROJECTOR_VIEWS, MAX_PROJECTED_VIEWS } from './projectorLayout';

/**
 * Projector and embed mode, page-wide: marks <html> (the root font size grows on a projector; classroom.css), and
 * gives projector mode its default views when a link turns it on without naming any.
 */
export function useClassroomMode(store: StoreApi<LabState>, projector: boolean, embed: boolean, views: number): void {
  useEffect(() => {
    const root = document.documentElement;
    // The type is as large as the number of views on the screen allows (classroom.css).
    if (projector) root.dataset.projector = String(views);
    else delete root.dataset.projector;
    root.toggleAttribute('data-embed', embed);
  }, [projector, embed, views]);
  useEffect(() => {
    const v = store.getState().view;
    if (projector && v.views === null) store.getState().setView({ views: [...DEFAULT_PROJECTOR_VIEWS] });
  }, [store, projector]);
}

/**
 * Turns projector mode on and off. On: the views the lab showed when it had few enough, else the default pair.
 * Off: the lab as it was before (all views, when the page was opened in projector mode).
 */
export function useProjectorToggle(store: StoreApi<LabState>): () => void {
  const labViews = useRef<ViewName[] | null>(null);
  return useCallback(() => {
    const { view, setView } = store.getState();
    if (view.embed) return;
    if (view.projector) {
      setView({ projector: false, views: labViews.current });
    } else {
      labViews.current = view.views;
      setView({ projector: true, views: view.views && view.views.length <= MAX_PROJECTED_VIEWS ? view.views : [...DEFAULT_PROJECTOR_VIEWS] });
    }
  }, [store]);
}
