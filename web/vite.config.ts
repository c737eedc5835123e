import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// Writes a .gz beside each script and stylesheet: the server sends it to browsers that accept gzip, so a
// video wall on a slow link loads the screen's few hundred kilobytes, not megabytes.
function precompress(): Plugin {
  return {
    name: 'citypulse-precompress',
    apply: 'build',
    enforce: 'post',
    // After the bundle is on disk: earlier hooks still see placeholders that later plugins replace.
    writeBundle(options, bundle) {
      const outDir = options.dir ?? 'dist';
      for (const fileName of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg)$/.test(fileName)) continue;
        const file = path.join(outDir, fileName);
        fs.writeFileSync(`${file}.gz`, gzipSync(fs.readFileSync(file), { level: 9 }));
      }
    },
  };
}

const server = process.env.CITYPULSE_DEV_SERVER ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [react(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1200, sourcemap: false },
  server: {
    port: 5173,
    // The API (and its live stream) come from a running CityPulse server.
    proxy: { '/api': { target: server, changeOrigin: true } },
  },
});
