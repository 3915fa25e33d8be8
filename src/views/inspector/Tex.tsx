import { useEffect, useMemo, useState } from 'react';
import 'katex/dist/katex.min.css';

type Katex = (typeof import('katex'))['default'];

/**
 * KaTeX, loaded apart from the lab's own code: its 260 kB were a third of the JavaScript the page parsed before its
 * first render, and the inspector typesets nothing before the run's first probe. It is asked for once the page is
 * idle (its first render done, the worker still building the networks: the worker's own downloads are not competed
 * with), or as soon as a formula needs it, whichever comes first.
 */
let katex: Katex | null = null;
let katexLoading: Promise<Katex> | null = null;
const loadKatex = (): Promise<Katex> => (katexLoading ??= import('katex').then((m) => (katex = m.default)));
const ask = () => {
  // A failure is seen by the formulas that wait for it: they keep their TeX source.
  loadKatex().catch(() => undefined);
};
if (typeof requestIdleCallback === 'function') requestIdleCallback(ask, { timeout: 3000 });
else setTimeout(ask, 1000);

/**
 * Typeset strings, kept: the inspector's formulas are the same on every probe and its numbers often repeat (a unit
 * clicked back to, a pass switched back), and typesetting them took 1–11 ms of each redraw in a profile. Bounded: numbers change with
 * every probe, so a long run would otherwise keep them all.
 */
const typeset = new Map<string, string>();
const TYPESET_KEPT = 1000;
function typesetHtml(k: Katex, tex: string): string {
  let html = typeset.get(tex);
  if (html === undefined) {
    html = k.renderToString(tex, { throwOnError: false });
    if (typeset.size >= TYPESET_KEPT) typeset.clear();
    typeset.set(tex, html);
  }
  return html;
}

/**
 * Inline TeX typeset by KaTeX. The strings are our own (built in inspectorMath.ts from numbers), never user input,
 * so setting the rendered HTML is safe; throwOnError: false shows a bad string in red instead of throwing. Until KaTeX
 * has loaded (rarely seen: see above) the span holds the TeX source, in the same place.
 */
export function Tex({ tex, className }: { tex: string; className?: string }) {
  const [typesetter, setTypesetter] = useState<Katex | null>(katex);
  useEffect(() => {
    if (typesetter) return;
    let live = true;
    loadKatex().then(
      (k) => live && setTypesetter(() => k),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [typesetter]);
  const html = useMemo(() => (typesetter ? typesetHtml(typesetter, tex) : null), [typesetter, tex]);
  const name = className ? `tex ${className}` : 'tex';
  return html === null ? <span className={name}>{tex}</span> : <span className={name} dangerouslySetInnerHTML={{ __html: html }} />;
}
