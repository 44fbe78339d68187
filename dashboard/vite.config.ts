import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const server = process.env.TONGBAN_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  server: { proxy: { '/api': server, '/socket.io': { target: server, ws: true } } },
});
