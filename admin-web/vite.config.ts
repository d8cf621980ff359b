import { defineConfig } from 'vitest/config';
import { loadEnv } from 'vite';
import react from '@vitejs/plugin-react';

// storybot serves the built panel at /admin/ from admin-web/dist.
// `npm run dev` serves it at http://localhost:5173/admin/ and proxies what the panel calls (the
// admin API and the health endpoints) to storybot, so the browser sees one origin and sign-in
// works as in production. VITE_PROXY_TARGET points the proxy at another storybot (default: the
// one `make run` starts); loadEnv reads it from the environment or an .env file.
export default defineConfig(({ mode }) => {
  const target = loadEnv(mode, '.', 'VITE_').VITE_PROXY_TARGET || 'http://127.0.0.1:8080';
  const toStorybot = { target, changeOrigin: true };
  return {
    base: '/admin/',
    plugins: [react()],
    build: { outDir: 'dist', emptyOutDir: true },
    server: {
      port: 5173,
      strictPort: true,
      proxy: { '/api': toStorybot, '/healthz': toStorybot, '/readyz': toStorybot },
    },
    test: {
      environment: 'jsdom',
      setupFiles: ['./src/test/setup.ts'],
      include: ['src/**/*.test.{ts,tsx}'],
      restoreMocks: true,
      // The shared 2-core build machine makes some user-event flows take seconds.
      testTimeout: 20000,
    },
  };
});
