// One import of a GTFS zip by node-gtfs (the `gtfs` package) into a fresh SQLite file, run by
// bench/transit.ts in a child process of its own so that node-gtfs's memory and CPU stay apart from
// the benchmark's. Prints one JSON line: the wall time of the import and the rows it wrote.
// Usage: node import.mjs <gtfs.zip> <database.sqlite>      node import.mjs --check
import { performance } from 'node:perf_hooks';

const [zip, sqlitePath] = process.argv.slice(2);

if (zip === '--check') {
  // Loading the package loads better-sqlite3's native binding: a missing or foreign build fails here.
  const { openDb, closeDb } = await import('gtfs');
  closeDb(openDb({ sqlitePath: ':memory:' }));
  const { readFileSync } = await import('node:fs');
  const { version } = JSON.parse(readFileSync(new URL('./node_modules/gtfs/package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${JSON.stringify({ version })}\n`);
  process.exit(0);
}

if (!zip || !sqlitePath) {
  process.stderr.write('usage: node import.mjs <gtfs.zip> <database.sqlite>\n');
  process.exit(2);
}

const { importGtfs, openDb, closeDb } = await import('gtfs');

// The clock starts with the zip on disk and stops when importGtfs has returned: every batch committed
// and its indexes built. Loading the package and starting Node are outside, as they are for ours.
const started = performance.now();
await importGtfs({ sqlitePath, agencies: [{ path: zip }], verbose: false });
const seconds = (performance.now() - started) / 1000;

const db = openDb({ sqlitePath });
const tables = db.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`).all().map((row) => row.name);
const rows = {};
for (const table of tables) {
  const { count } = db.prepare(`select count(*) as count from "${table}"`).get();
  if (count > 0) rows[table] = count;
}
closeDb(db);
process.stdout.write(`${JSON.stringify({ seconds, rows })}\n`);
