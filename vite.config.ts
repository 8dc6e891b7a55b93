/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

// One config serves the page (vite / vite build) and the tests (vitest).
export default defineConfig({
  plugins: [solid()],
  base: './', // dist/ works from any static host and any sub-path
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
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
  },
});
