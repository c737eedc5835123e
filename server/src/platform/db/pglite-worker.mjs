// The embedded database in its own thread. PGlite runs PostgreSQL as WebAssembly on the thread that
// calls it; on the server's main thread every query would stop HTTP, JSON and rule work while it runs.
// Here it runs beside them. Plain JavaScript: worker threads do not inherit the TypeScript loader.
//
// Protocol (one message per request, answered by id): query | run (answers the rows affected) | exec |
// copy (a COPY ... FROM '/dev/blob' statement with its rows as text) | begin | commit | rollback | close.
// A transaction owns the single connection: while one is open, requests from outside it wait in order.
// Requests marked `urgent` (small latency-critical work such as alert writes) run before the ordinary
// ones waiting, so that an alert does not queue behind seconds of bulk ingest; they never interrupt a
// statement or a transaction already running.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const db = new PGlite({ dataDir: workerData.dataDir ?? undefined });
await db.waitReady;

const queue = [];
let openTransaction = null;
let nextTransaction = 1;
let busy = false;

function serialiseError(error) {
  const out = { message: error?.message ?? String(error) };
  for (const key of ['code', 'detail', 'hint', 'constraint', 'table', 'column', 'severity', 'position']) {
    if (error && error[key] !== undefined) out[key] = error[key];
  }
  return out;
}

async function run(message) {
  switch (message.op) {
    case 'query':
      return (await db.query(message.sql, message.params ?? [])).rows;
    case 'run':
      return (await db.query(message.sql, message.params ?? [])).affectedRows ?? 0;
    case 'exec':
      await db.exec(message.sql);
      return null;
    case 'copy':
      await db.query(message.sql, [], { blob: new Blob([message.text]) });
      return null;
    case 'begin':
      await db.exec('begin');
      openTransaction = nextTransaction++;
      return openTransaction;
    case 'commit':
      try {
        await db.exec('commit');
      } finally {
        openTransaction = null;
      }
      return null;
    case 'rollback':
      try {
        await db.exec('rollback');
      } finally {
        openTransaction = null;
      }
      return null;
    case 'close':
      await db.close();
      return null;
    default:
      throw new Error(`unknown database operation ${message.op}`);
  }
}

async function drain() {
  if (busy) return;
  busy = true;
  try {
    for (;;) {
      // Inside a transaction only its own requests may run; the rest keep their order.
      let index;
      if (openTransaction !== null) index = queue.findIndex((m) => m.tx === openTransaction);
      else {
        index = queue.findIndex((m) => m.urgent);
        if (index < 0) index = 0;
      }
      if (index < 0 || queue.length === 0) return;
      const [message] = queue.splice(index, 1);
      try {
        parentPort.postMessage({ id: message.id, ok: true, result: await run(message) });
      } catch (error) {
        parentPort.postMessage({ id: message.id, ok: false, error: serialiseError(error) });
      }
      if (message.op === 'close') {
        parentPort.close();
        return;
      }
    }
  } finally {
    busy = false;
  }
}

parentPort.on('message', (message) => {
  queue.push(message);
  void drain();
});
parentPort.postMessage({ ready: true });
