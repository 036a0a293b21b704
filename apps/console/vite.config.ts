// The browser app: index.html + src/web, built into dist/ (served by src/server.ts in production).
// `npm run dev -w @cancelflow/console` runs Vite's dev server with the same /api proxy, for
// working on the screens with hot reload.

import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const env = (name: string, fallback: string) => process.env[name] || fallback;

export const consoleViteConfig: UserConfig = {
  root,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // The served build carries no source maps: they would publish the whole source.
    sourcemap: false,
  },
  server: {
    port: 5173,
    proxy: {
      '/api/orders': { target: env('ORDER_SERVICE_URL', 'http://127.0.0.1:3001'), rewrite: (p) => p.replace(/^\/api\/orders/, '') },
      '/api/payments': { target: env('PAYMENT_SERVICE_URL', 'http://127.0.0.1:3002'), rewrite: (p) => p.replace(/^\/api\/payments/, '') },
      '/api/notifications': {
        target: env('NOTIFICATION_SERVICE_URL', 'http://127.0.0.1:3003'),
        rewrite: (p) => p.replace(/^\/api\/notifications/, ''),
      },
      '/config.json': { target: env('CONSOLE_URL', 'http://127.0.0.1:3000') },
    },
  },
};

export default defineConfig(consoleViteConfig);
