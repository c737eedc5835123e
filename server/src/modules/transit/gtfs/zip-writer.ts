// Writing a small zip archive in memory (stored entries, or deflated ones): generated feeds and tests.
// See: https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (local headers, central directory)
import zlib from 'node:zlib';

/**
 * Packs files into a zip archive, stored (the reader must handle stored entries too) or deflated.
 * `declaredSizes` overrides the inflated size an entry declares: a zip that lies about it, for tests.
 */
export function zipFiles(files: Record<string, string | Buffer>, options: { deflate?: boolean; declaredSizes?: Record<string, number> } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const plain = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
    const data = options.deflate ? zlib.deflateRawSync(plain) : plain;
    const method = options.deflate ? 8 : 0;
    const size = options.declaredSizes?.[name] ?? plain.length;
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(plain);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = Object.keys(files).length;
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
