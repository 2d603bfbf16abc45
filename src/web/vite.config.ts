// Builds the dashboard into dist/web at `npm run build` (and so at `npm ci`), so `lapse ui` serves files as they are.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // Preact's automatic JSX runtime, as tsconfig.json declares it; no plugin needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    // The page runs in current browsers only; no legacy bundle, and no inline module-preload polyfill (strict CSP).
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // The page uses none of the contract's side effects (the one there, formats.ts, registers a format for
    // TypeBox checks), so it takes the few values it uses and none of the schemas (nor TypeBox).
    rollupOptions: { treeshake: { moduleSideEffects: (id: string) => !id.includes('/src/contract/') } },
  },
  logLevel: 'warn',
});
