// Process: build tool (Node, run by `npx vite build`).
// Builds the sandboxed window from renderer/ into dist/renderer with relative paths, so the
// Electron shell can load it from disk. The built page also carries the CSP as a meta tag
// (defence in depth when loaded from file://, where no response header can set it); the dev
// server leaves it out because React's refresh preamble is an inline script.
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'none'";

function cspMeta(): Plugin {
  return {
    name: 'tessera-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), cspMeta()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // Source maps would ship the UI source next to the app; the window needs none.
    sourcemap: false,
    target: 'chrome130',
    // Chromium preloads modules natively; the polyfill would fetch(), which connect-src forbids.
    modulePreload: { polyfill: false },
    // The password-strength dictionaries are one large lazily loaded chunk, on purpose.
    chunkSizeWarningLimit: 1500,
  },
});
