// Builds the web app when its build is missing or older than its sources, so that `npm start` on a fresh
// clone serves the app, and a start with an up-to-date build costs a few file stats.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const webDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const builtIndex = path.join(webDir, 'dist', 'index.html');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'];

function newestMtime(target) {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

export function webBuildIsCurrent() {
  if (!fs.existsSync(builtIndex)) return false;
  const built = fs.statSync(builtIndex).mtimeMs;
  return SOURCES.every((source) => newestMtime(path.join(webDir, source)) <= built);
}

export function ensureWebBuilt({ quiet = false } = {}) {
  if (webBuildIsCurrent()) return false;
  if (!quiet) process.stdout.write('citypulse: building the web app (web/dist) ...\n');
  const vite = path.join(webDir, 'node_modules', '.bin', 'vite');
  const bin = fs.existsSync(vite) ? vite : path.join(webDir, '..', 'node_modules', '.bin', 'vite');
  // Always a production build: under a test runner NODE_ENV is `test`, which would give React's
  // development build, not what the server ships.
  const result = spawnSync(bin, ['build', '--logLevel', quiet ? 'error' : 'warn'], { cwd: webDir, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (result.error || result.status !== 0) throw new Error(`the web app build failed (${result.error?.message ?? `exit ${result.status}`})`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  try {
    ensureWebBuilt();
  } catch (error) {
    // The API still works without the web app: say so and let the server start.
    process.stderr.write(`citypulse: ${error.message}; the server starts without a fresh web app (run \`npm run build -w web\`)\n`);
  }
}
