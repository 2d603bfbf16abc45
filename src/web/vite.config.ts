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
    // The contract's modules only define values, so the page takes the few it uses and none of the schemas (nor
    // TypeBox) that the rest of src/contract builds at load.
    rollupOptions: { treeshake: { moduleSideEffects: (id: string) => !id.includes('/src/contract/') } },
  },
  logLevel: 'warn',
});
