// The console's build: a static bundle served under /console/ (locally by `npm start`,
// on AWS from the Console construct's bucket), the API on the same origin.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The size budget is about what a first load ships; the bench reads the manifest.
    manifest: true,
    sourcemap: false,
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      // shared/automation/template-checks.ts loads Liquid lazily for the API's cold start; the console imports it
      // statically anyway, which is fine, so the bundler's note that the lazy import changes nothing here is noise
      // in every `npm start` that builds the console.
      onwarn(warning, warn) {
        if (warning.code === 'INEFFECTIVE_DYNAMIC_IMPORT' && warning.message.includes('shared/automation/templates.ts')) return;
        warn(warning);
      },
    },
  },
  server: {
    // `npx vite web` during development: the API of a running `npm start` behind the same origin.
    proxy: Object.fromEntries(
      ['/contacts', '/companies', '/leads', '/deals', '/activities', '/documents', '/pipelines', '/users', '/exceptions', '/automations', '/stats', '/notifications', '/integrations', '/local', '/openapi.json'].map(
        (path) => [path, { target: process.env.STAGECRAFT_API ?? 'http://127.0.0.1:3000' }],
      ),
    ),
  },
});
