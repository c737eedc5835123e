// Installs the peers the benchmarks measure ours against (`npm run bench:peers`). They live outside the
// workspaces because they need native add-ons: the root install never fetches or compiles binaries.
// better-sqlite3 (under node-gtfs) is compiled here from source, never downloaded prebuilt; node-gyp
// uses the Node headers installed beside this Node when they match it, so no headers are downloaded
// either (set npm_config_nodedir to point elsewhere).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const peers = ['node-gtfs'];
const here = path.dirname(fileURLToPath(import.meta.url));

/** The prefix whose include/node holds the headers of this very Node, or undefined. */
function localNodeDir() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const header = path.join(prefix, 'include/node/node_version.h');
  if (!fs.existsSync(header)) return undefined;
  const text = fs.readFileSync(header, 'utf8');
  const part = (name) => text.match(new RegExp(`#define NODE_${name}_VERSION (\\d+)`))?.[1];
  return `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}` === process.versions.node ? prefix : undefined;
}

// prebuild-install reads npm_config_build_from_source itself: set, it skips the download and lets
// node-gyp build (npm warns that it does not know the setting; the variable still reaches the script).
const env = { ...process.env, npm_config_build_from_source: 'true' };
env.npm_config_nodedir ??= localNodeDir();
if (!env.npm_config_nodedir) delete env.npm_config_nodedir;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

for (const peer of peers) {
  const cwd = path.join(here, peer);
  const command = [npm, 'ci', '--no-audit', '--no-fund'];
  const nodedir = env.npm_config_nodedir ? `npm_config_nodedir=${env.npm_config_nodedir} ` : '';
  process.stdout.write(`== ${peer}: (cd ${path.relative(process.cwd(), cwd) || '.'} && npm_config_build_from_source=true ${nodedir}${command.join(' ')})\n`);
  const started = Date.now();
  const result = spawnSync(command[0], command.slice(1), { cwd, env, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`${peer}: install failed (exit ${result.status ?? result.signal}); a C++ compiler, make and Python are needed to build better-sqlite3\n`);
    process.exit(1);
  }
  process.stdout.write(`== ${peer}: installed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}
