import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests (with type tests), and end-to-end tests that start a real
// Conductor server and real MCP transports.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
          testTimeout: 20_000,
          // The workflow bundles the loader writes (compiler/load.ts) must be imported by Node
          // itself, as in a real build: through Vite, their stack positions no longer match
          // their source maps and every diagnostic location would be off.
          server: { deps: { external: [/\/\.baton\/cache\//] } },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // One Conductor server shared by every e2e file (see the file for how it is reused).
          globalSetup: ['test/e2e/global-setup.ts'],
          // As for unit tests: loaded workflow bundles must keep positions that match their maps.
          server: { deps: { external: [/\/\.baton\/cache\//] } },
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
