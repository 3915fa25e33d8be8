import { createContext, useContext } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { LabState } from './labStore';
import type { Command } from '../worker/protocol';

export interface Lab {
  store: StoreApi<LabState>;
  send(cmd: Command): void;
}

export const LabContext = createContext<Lab | null>(null);

function useLabContext(): Lab {
  const lab = useContext(LabContext);
  if (!lab) throw new Error('useLab outside <LabContext.Provider>');
  return lab;
}

/** Selects narrowly from the lab's store: a component re-renders only when what it selects changes. */
export function useLab<T>(selector: (s: LabState) => T): T {
  return useStore(useLabContext().store, selector);
}

export function useSend(): (cmd: Command) => void {
  return useLabContext().send;
}

export function useLabStore(): StoreApi<LabState> {
  return useLabContext().store;
}
