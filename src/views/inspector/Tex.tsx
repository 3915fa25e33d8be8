import { useMemo } from 'react';
import katex from 'katex';
import 'katex/dist/katex.min.css';

/**
 * Inline TeX typeset by KaTeX. The strings are our own (built in inspectorMath.ts from numbers), never user input,
 * so setting the rendered HTML is safe; throwOnError: false shows a bad string in red instead of throwing.
 */
export function Tex({ tex, className }: { tex: string; className?: string }) {
  const html = useMemo(() => katex.renderToString(tex, { throwOnError: false }), [tex]);
  return <span className={className ? `tex ${className}` : 'tex'} dangerouslySetInnerHTML={{ __html: html }} />;
}
