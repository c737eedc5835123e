// Reading a GTFS zip entry by entry without inflating the whole archive into memory.
import yauzl from 'yauzl';
import type { Readable } from 'node:stream';

export interface ZipEntryStream {
  /** File name inside the archive, without any folder prefix (some feeds nest their files in a folder). */
  name: string;
  size: number;
  open(): Promise<Readable>;
}

export interface ZipArchive {
  entries: Map<string, ZipEntryStream>;
  /** Names held by more than one entry (in different folders), with their paths: which one is meant is not known. */
  duplicates: Map<string, string[]>;
  close(): void;
}

/** Opens a zip file (a path or a buffer) and lists its entries; each entry is opened as a stream on demand. */
export async function openZip(source: string | Buffer): Promise<ZipArchive> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    const done = (error: Error | null, file?: yauzl.ZipFile) => (error || !file ? reject(error ?? new Error('not a zip file')) : resolve(file));
    if (typeof source === 'string') yauzl.open(source, { lazyEntries: true, autoClose: false }, done);
    else yauzl.fromBuffer(source, { lazyEntries: true }, done);
  });
  const entries = new Map<string, ZipEntryStream>();
  const paths = new Map<string, string[]>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith('/')) {
        const name = entry.fileName.split('/').pop()!;
        paths.set(name, [...(paths.get(name) ?? []), entry.fileName]);
        if (!entries.has(name)) {
          entries.set(name, {
            name,
            size: entry.uncompressedSize,
            open: () => new Promise<Readable>((ok, fail) => zip.openReadStream(entry, (error, stream) => (error || !stream ? fail(error) : ok(stream)))),
          });
        }
      }
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  const duplicates = new Map([...paths].filter(([, where]) => where.length > 1));
  return { entries, duplicates, close: () => zip.close() };
}
