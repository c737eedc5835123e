// Passwords are hashed with scrypt, a memory-hard KDF built into Node (no native add-on to install).
// Parameters are stored with each hash so they can be raised later without invalidating old hashes.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { ProblemError } from '../errors.js';

const N = 1 << 15; // 32 MiB with r=8: memory-hard enough to make GPU guessing expensive
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

/**
 * Hashes at once, and hashes waiting. scrypt runs on libuv's thread pool (four threads), which file reads
 * and the gzip of the GTFS-Realtime feeds share: a hundred logins sent at once from made-up names (each
 * name has its own rate limit) queued there, held everything else back, and a real login meanwhile took
 * 11.6 s. Two at a time leave the pool to the rest; past the queue a login is told to come back.
 */
const MAX_RUNNING = 2;
const MAX_WAITING = 32;
let running = 0;
const waiting: Array<() => void> = [];

/** Seconds a login turned away is told to wait (Retry-After, set from the problem's retryAfterSeconds). */
const BUSY_RETRY_SECONDS = 5;

/** Thrown when the queue is full: a 503 with Retry-After. */
export class PasswordCheckBusy extends ProblemError {
  constructor() {
    super(503, 'busy', 'Busy', `${MAX_RUNNING + MAX_WAITING} password checks are under way; try again in a few seconds`, undefined, { retryAfterSeconds: BUSY_RETRY_SECONDS });
  }
}

async function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  if (running >= MAX_RUNNING) {
    if (waiting.length >= MAX_WAITING) throw new PasswordCheckBusy();
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running++;
  }
  try {
    return await new Promise((resolve, reject) => {
      scryptCallback(password, salt, KEY_LENGTH, { N: n, r, p, maxmem: 256 * n * r }, (error, key) =>
        error ? reject(error) : resolve(key),
      );
    });
  } finally {
    // The slot passes to the next in line, or is freed.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, expected] = parts;
  const key = await scrypt(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  const expectedKey = Buffer.from(expected, 'base64');
  return expectedKey.length === key.length && timingSafeEqual(key, expectedKey);
}

/** A random password for the first admin: 20 characters from an unambiguous alphabet. */
export function randomPassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(20);
  return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
}
