import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { PRESETS } from '../config/presets';
import { historyToCsv } from '../engine/history';
import { experimentCommand, matchingPreset } from '../export/command';
import { copyText, saveText, saveUrl } from '../export/download';
import { exportFileName } from '../export/fileNames';
import { experimentJson } from '../export/json';
import { kerasScript } from '../export/keras';
import { netShapeFromRun } from '../export/network';
import { pytorchScript } from '../export/pytorch';
import { useLab, useLabStore } from '../store/context';
import '../export/export.css';

/**
 * The lab's MNIST file, as the worker loads it (src/platform/wasmPaths.ts): Vite rewrites this to the built
 * asset's address relative to the bundle, so it resolves under any sub-path the build is served from.
 */
const MNIST_URL = new URL('/data/mnist.bin', import.meta.url);

const CONFIG_FILE = exportFileName('config', 'json');
/** The scripts train this long when the lab has not trained yet. */
const DEFAULT_SCRIPT_STEPS = 3000;

/**
 * Share & export: the run's histories (CSV and JSON, the CLI's formats), the `npm run experiment` command that
 * reproduces the configuration, the configuration JSON, PyTorch and Keras scripts of the same networks, and the
 * MNIST file those scripts read. A non-modal panel under a header button; Escape or a press outside closes it.
 */
export function ExportMenu() {
  const store = useLabStore();
  const config = useLab((s) => s.config);
  const status = useLab((s) => s.run.status);
  const backend = useLab((s) => s.run.backend);
  const hasProbes = useLab((s) => (s.history[0]?.steps.length ?? 0) > 0);
  const [open, setOpen] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const ready = status === 'ready';
  // The CLI runs on cpu or wasm; a lab on webgl is reproduced on wasm, and the panel says so.
  const cliBackend = backend?.name === 'cpu' ? 'cpu' : 'wasm';
  const step = useLab((s) => s.run.step);

  const command = useMemo(() => {
    if (!open) return null;
    try {
      return experimentCommand(config, { steps: step > 0 ? step : undefined, backend: cliBackend, configFile: CONFIG_FILE });
    } catch {
      return null;
    }
  }, [open, config, step, cliBackend]);

  // The panel hangs under its button but always fits in the window, on a phone too: placed from the button's box.
  const [place, setPlace] = useState<CSSProperties>({});
  useLayoutEffect(() => {
    if (!open) return;
    const update = () => {
      const r = toggleRef.current?.getBoundingClientRect();
      if (!r) return;
      const margin = 12;
      const width = Math.min(416, window.innerWidth - 2 * margin);
      const left = Math.max(margin, Math.min(r.right - width, window.innerWidth - margin - width));
      const top = r.bottom + 4;
      setPlace({ left, top, width, maxHeight: Math.max(160, window.innerHeight - top - margin) });
    };
    update();
    window.addEventListener('resize', update);
    return () => window.removeEventListener('resize', update);
  }, [open]);

  useEffect(() => {
    if (!open) return;
    panelRef.current?.querySelector<HTMLElement>('button:not(:disabled)')?.focus();
    const onPointerDown = (e: PointerEvent) => {
      if (!panelRef.current?.contains(e.target as Node) && !toggleRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(null), 4000);
    return () => clearTimeout(t);
  }, [copied]);

  const close = () => {
    setOpen(false);
    toggleRef.current?.focus();
  };

  const onPanelKey = (e: KeyboardEvent<HTMLDivElement>) => {
    // Inside the panel keys belong to its controls, not to the lab's shortcuts (Space would play).
    e.stopPropagation();
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  };

  /** Everything a file needs, read when it is asked for (the histories grow in place while training). */
  const snapshot = () => store.getState();
  const scriptOptions = (framework: 'pytorch' | 'keras') => {
    const s = snapshot();
    const preset = PRESETS.find((p) => p.name === matchingPreset(s.config));
    return {
      steps: s.run.step > 0 ? s.run.step : DEFAULT_SCRIPT_STEPS,
      preset: preset ? { name: preset.name, title: preset.title } : null,
      command: command?.command,
      fileName: exportFileName(framework, 'py'),
    };
  };

  const downloads = {
    csv: () => {
      const s = snapshot();
      saveText(historyToCsv(s.history), exportFileName('histories', 'csv', s.run.step), 'text/csv');
    },
    json: () => {
      const s = snapshot();
      // Recorded as the CLI records the run of the command above: the preset, or the config file, and the --set list.
      const cmd = command ?? experimentCommand(s.config, { configFile: CONFIG_FILE });
      const json = experimentJson({
        tool: 'batchnorm-explorer lab',
        preset: cmd.kind === 'preset' ? cmd.preset : null,
        source: cmd.source,
        overrides: cmd.overrides,
        config: s.config,
        backend: s.run.backend,
        steps: s.run.step,
        // The lab trains in stretches at a chosen speed, with pauses: no single wall-clock time describes it.
        seconds: NaN,
        stepsPerSecond: NaN,
        arms: s.history,
      });
      saveText(json + '\n', exportFileName('histories', 'json', s.run.step), 'application/json');
    },
    config: () => saveText(command?.configJson ?? JSON.stringify(snapshot().config, null, 2) + '\n', CONFIG_FILE, 'application/json'),
    pytorch: () => {
      const s = snapshot();
      saveText(pytorchScript(s.config, netShapeFromRun(s.run), scriptOptions('pytorch')), exportFileName('pytorch', 'py'), 'text/x-python');
    },
    keras: () => {
      const s = snapshot();
      saveText(kerasScript(s.config, netShapeFromRun(s.run), scriptOptions('keras')), exportFileName('keras', 'py'), 'text/x-python');
    },
    mnist: () => saveUrl(MNIST_URL.href, 'mnist.bin'),
  };

  const copy = async () => {
    if (!command) return;
    setCopied((await copyText(command.command)) ? 'Copied.' : 'Could not copy: select the command and copy it by hand.');
  };

  const notes = [
    command?.kind === 'config' ? `Save the configuration below as ${CONFIG_FILE} in the project’s folder: the command reads it.` : '',
    backend?.name === 'webgl' ? 'This lab runs on webgl; the command runs on wasm, so the numbers may differ in the last digits.' : '',
  ].filter(Boolean);

  const item = (key: keyof typeof downloads, label: string, hint: string, enabled = true) => (
    <button type="button" className="share-item" disabled={!enabled} onClick={downloads[key]}>
      <span>{label}</span>
      <span className="share-hint">{hint}</span>
    </button>
  );

  return (
    <div className="share">
      <button
        ref={toggleRef}
        type="button"
        className="share-toggle"
        aria-label="Share & export"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === ' ' || e.key === 'Enter') e.stopPropagation();
        }}
      >
        {/* On a phone the header's second row has room for "Share" only; the full name stays the button's name. */}
        Share<span className="share-long"> &amp; export</span>
      </button>
      {open && (
        <div ref={panelRef} id={panelId} className="share-panel" style={place} role="dialog" aria-label="Share and export" onKeyDown={onPanelKey}>
          <h2>Histories at step {step.toLocaleString('en-US')}</h2>
          {item('csv', 'Histories as CSV', 'a row per probe, arm and layer', hasProbes)}
          {item('json', 'Histories as JSON', 'the CLI’s --out format', hasProbes)}
          <h2>Run it from the command line</h2>
          {command && (
            <div className="share-command">
              <code data-testid="experiment-command">{command.command}</code>
              <div className="share-command-row">
                <button type="button" onClick={() => void copy()}>
                  Copy command
                </button>
                <span className="share-status" role="status">
                  {copied}
                </span>
              </div>
            </div>
          )}
          {notes.length > 0 && <p className="share-note">{notes.join(' ')}</p>}
          {item('config', 'Configuration JSON', CONFIG_FILE)}
          <h2>The same networks in Python</h2>
          {item('pytorch', 'PyTorch script', 'trains every arm, prints test accuracy', ready)}
          {item('keras', 'Keras script', 'the same, in Keras 3', ready)}
          {config.dataset.name === 'mnist' && item('mnist', 'MNIST digits (mnist.bin)', 'the data the scripts read')}
        </div>
      )}
    </div>
  );
}
