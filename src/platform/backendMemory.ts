import { parseKnownTimings, withTiming, type KnownTimings } from '../engine/backendPlan';
import type { TimingEvent } from '../worker/protocol';

/**
 * Where the page keeps what the training session measured of this device (WebGL against WebAssembly, per renderer
 * and kind of network), so that a later visit starts at once on the faster backend without measuring again.
 *
 * localStorage, on the main thread, rather than IndexedDB in the worker: it is read synchronously before the first
 * command is posted, so the worker has the timings with its first message and the start waits for no database to
 * open; the main-thread fallback gets them the same way; and the session itself stays free of storage (its tests
 * hand it timings directly).
 */
export interface DeviceMemory {
  read(): KnownTimings;
  write(event: TimingEvent): void;
}

const PREFIX = 'batchnorm-explorer.backend-timings.';
/** The key holds the format's version: a page that reads timings differently starts afresh (and removes the old). */
export const BACKEND_MEMORY_KEY = `${PREFIX}v1`;

/** The browser's localStorage, or null where there is none or it may not be used (a sandboxed iframe throws). */
function browserStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** The page's memory of this device in `storage` (default: localStorage); null without storage. Never throws. */
export function localDeviceMemory(storage: Storage | null = browserStorage()): DeviceMemory | null {
  if (!storage) return null;
  const read = (): KnownTimings => {
    try {
      const raw = storage.getItem(BACKEND_MEMORY_KEY);
      return raw === null ? {} : parseKnownTimings(JSON.parse(raw));
    } catch {
      return {};
    }
  };
  return {
    read,
    write(e) {
      try {
        storage.setItem(BACKEND_MEMORY_KEY, JSON.stringify(withTiming(read(), e.renderer, e.workload, e.timing)));
        for (let i = storage.length - 1; i >= 0; i--) {
          const key = storage.key(i);
          if (key !== null && key.startsWith(PREFIX) && key !== BACKEND_MEMORY_KEY) storage.removeItem(key);
        }
      } catch {
        // Storage full or refused (private browsing): the next visit measures again, nothing worse.
      }
    },
  };
}
