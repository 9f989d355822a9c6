// Process: build tool (Node, run by `npx vite build -c vite.recipient.config.ts`).
// Builds the one-time link recipient page from recipient/ into dist/recipient. The team
// server serves index.html at /s/<id> and the bundle under /s/assets/, hence the base. The
// bundle carries the core's link envelope code and libsodium (its WebAssembly is inline in
// the JavaScript, which is why the page's CSP allows 'wasm-unsafe-eval' and nothing looser).
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'recipient',
  base: '/s/',
  build: {
    outDir: '../dist/recipient',
    emptyOutDir: true,
    assetsDir: 'assets',
    // A public page: the readable source is in the repository, not shipped beside the bundle.
    sourcemap: false,
    target: 'es2022',
    // The polyfill would fetch() the modules; native modulepreload needs no connect-src.
    modulePreload: { polyfill: false },
    // libsodium's sumo build is one large module with its WebAssembly inline, on purpose.
    chunkSizeWarningLimit: 1500,
  },
});
