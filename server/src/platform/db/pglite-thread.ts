// The `Db` interface over the embedded database running in a worker thread (see pglite-worker.mjs).
import { AsyncLocalStorage } from 'node:async_hooks';
import { Worker } from 'node:worker_threads';
import { copyChunks } from './bulk.js';
import type { BulkColumn, Db } from './types.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class DatabaseThreadError extends Error {
  code?: string;
  detail?: string;
  constraint?: string;
}

const insideTransaction = new AsyncLocalStorage<{ open: boolean; owner: object }>();

export async function openPgliteThread(dataDir: string | null): Promise<Db> {
  const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), { workerData: { dataDir } });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let failure: Error | null = null;
  const owner = {};

  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message) => (message.ready ? resolve() : reject(new Error('database thread failed to start'))));
  });
  worker.on('message', (message: { id: number; ok: boolean; result?: unknown; error?: Record<string, string> }) => {
    const request = pending.get(message.id);
    if (!request) return;
    pending.delete(message.id);
    if (message.ok) return request.resolve(message.result);
    const error = new DatabaseThreadError(message.error!.message);
    Object.assign(error, message.error);
    request.reject(error);
  });
  // A dead database thread must not leave callers waiting forever.
  const fail = (error: Error) => {
    failure = error;
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the database thread exited (${code})`)));

  const send = (message: Record<string, unknown>): Promise<unknown> => {
    // Requests are answered in the order sent, except urgent ones, which the thread runs first.
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  };
  const guard = () => {
    const store = insideTransaction.getStore();
    if (store && store.owner === owner && store.open) {
      throw new Error('a query on the database handle inside one of its transactions would wait forever; use the transaction handle (tx) instead');
    }
  };

  const scoped = (tx: number): Db => ({
    kind: 'pglite',
    // Inside a transaction the thread runs only the transaction's own requests: they are first already.
    urgent: () => scoped(tx),
    query: async <T>(sql: string, params?: unknown[]) => (await send({ op: 'query', sql, params, tx })) as T[],
    run: async (sql: string, params?: unknown[]) => (await send({ op: 'run', sql, params, tx })) as number,
    bulkInsert: async (table: string, columns: BulkColumn[]) => {
      // All chunks are sent before the first is answered, so that the thread copies one while this one
      // encodes the next; the thread runs them in order. Between two, other work gets a turn: a feed's
      // stop times are hundreds of thousands of rows, a second or so of encoding in all.
      const sent: Array<Promise<unknown>> = [];
      let rows = 0;
      for (const chunk of copyChunks(table, columns)) {
        if (sent.length) await new Promise((resolve) => setImmediate(resolve));
        const copied = send({ op: 'copy', sql: chunk.sql, text: chunk.text, tx });
        copied.catch(() => undefined); // a chunk refused while the next is encoded: Promise.all below reports it
        sent.push(copied);
        rows += chunk.rows;
      }
      await Promise.all(sent);
      return rows;
    },
    exec: async (sql: string) => {
      await send({ op: 'exec', sql, tx });
    },
    transaction: (work) => work(scoped(tx)),
    close: async () => undefined,
  });

  const handle = (urgent: boolean): Db => {
    const db: Db = {
      kind: 'pglite',
      async query<T>(sql: string, params?: unknown[]) {
        guard();
        return (await send({ op: 'query', sql, params, urgent })) as T[];
      },
      async run(sql: string, params?: unknown[]) {
        guard();
        return (await send({ op: 'run', sql, params, urgent })) as number;
      },
      async bulkInsert(table: string, columns: BulkColumn[]) {
        // Several COPY statements are one change: they get a transaction of their own.
        return db.transaction((tx) => tx.bulkInsert(table, columns));
      },
      async exec(sql: string) {
        guard();
        await send({ op: 'exec', sql, urgent });
      },
      async transaction<T>(work: (tx: Db) => Promise<T>) {
        guard();
        const tx = (await send({ op: 'begin', urgent })) as number;
        const context = { open: true, owner };
        try {
          const result = await insideTransaction.run(context, () => work(scoped(tx)));
          await send({ op: 'commit', tx });
          return result;
        } catch (error) {
          await send({ op: 'rollback', tx }).catch(() => undefined);
          throw error;
        } finally {
          context.open = false;
        }
      },
      async close() {
        if (failure) return;
        await send({ op: 'close' });
        await worker.terminate();
      },
      urgent: () => handle(true),
    };
    return db;
  };
  return handle(false);
}
