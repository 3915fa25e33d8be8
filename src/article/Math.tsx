import { useMemo } from 'react';
import katex from 'katex';
import 'katex/dist/katex.min.css';

/**
 * TeX typeset by KaTeX, inline or as a display block. The strings are the article's own constants, never user
 * input, so setting the rendered HTML is safe. A display block scrolls sideways inside itself on a narrow phone
 * rather than widening the page.
 */
export function TeX({ tex, display = false }: { tex: string; display?: boolean }) {
  const html = useMemo(() => katex.renderToString(tex, { throwOnError: false, displayMode: display }), [tex, display]);
  return display ? (
    <div className="math-block" dangerouslySetInnerHTML={{ __html: html }} />
  ) : (
    <span className="math-inline" dangerouslySetInnerHTML={{ __html: html }} />
  );
}
