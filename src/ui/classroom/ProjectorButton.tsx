/** The header's projector switch: a screen on a stand; pressed while projector mode is on. */
export function ProjectorButton({ on, onToggle }: { on: boolean; onToggle: () => void }) {
  return (
    <button
      type="button"
      className={`icon projector-toggle${on ? ' on' : ''}`}
      aria-pressed={on}
      aria-label="Projector mode"
      title={on ? 'Leave projector mode (P)' : 'Projector mode: large type, the views you pick, one screen (P)'}
      aria-keyshortcuts="P"
      onClick={onToggle}
    >
      <svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true">
        <rect x="2" y="2.5" width="14" height="9.5" rx="1.2" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <path d="M9 12v3.5M5.5 15.5h7" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        <path d="M5 9.5l2.5-3 2 2 3.5-4" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </button>
  );
}
