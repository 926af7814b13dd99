import { defineConfig } from 'baton';

export default defineConfig({
  workflows: ['workflows/**/*.ts'],
  workers: ['workers/**/*.ts'],
  outDir: 'generated',
  ownerEmail: 'workflows@example.com',
});
