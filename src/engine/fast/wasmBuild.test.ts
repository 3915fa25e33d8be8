import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import { compile, moduleText, target } from '../../../scripts/build-wasm.mjs';

describe('the fast path\'s WebAssembly', () => {
  it('is exactly what kernels.c and summaries.c compile to (npm run wasm rebuilds it)', { timeout: 300_000 }, () => {
    const built = (moduleText as (b: Buffer) => string)((compile as () => Buffer)());
    // A mismatch means a source changed without `npm run wasm`, or kernelsWasm.ts was edited by hand.
    expect(fs.readFileSync(target as string, 'utf8') === built).toBe(true);
  });
});
