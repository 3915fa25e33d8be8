import { defineConfig } from 'vite';

// Bundles the Node entry points (experiment runner, benchmark, lesson verification, sweeps, the loss-landscape table). tfjs-core's ESM files import
// each other without extensions, which plain Node cannot resolve, so tfjs is bundled in (ssr.noExternal).
export default defineConfig({
  publicDir: false,
  ssr: { noExternal: [/@tensorflow\//, 'zod'], target: 'node' },
  build: {
    ssr: true,
    outDir: 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: {
      input: { experiment: 'src/cli/experiment.ts', bench: 'src/cli/bench.ts', 'lessons-verify': 'src/cli/lessonsVerify.ts', sweep: 'src/cli/sweep.ts', landscape: 'src/cli/landscape.ts', rnn: 'src/cli/rnn.ts', gan: 'src/cli/gan.ts' },
      output: {
        format: 'es',
        entryFileNames: '[name].mjs',
        banner: [
          "import { createRequire as __bnCreateRequire } from 'node:module';",
          "import { fileURLToPath as __bnFileURLToPath } from 'node:url';",
          "import { dirname as __bnDirname } from 'node:path';",
          'const require = __bnCreateRequire(import.meta.url);',
          'const __filename = __bnFileURLToPath(import.meta.url);',
          'const __dirname = __bnDirname(__filename);',
        ].join('\n'),
      },
    },
  },
});
