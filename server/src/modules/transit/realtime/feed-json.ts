// The JSON form of a FeedMessage, read a piece at a time. JSON.parse reads a body whole on the event
// loop: a whole fleet's message (20,000 vehicles, 6.6 MB) held every other request for about 0.1 s, and a
// 16 MB body of brackets nested 8 million deep for 3.8 s. Here the text is first scanned (in steps, and
// refused at once when it nests deeper than any FeedMessage or ends cut short), then only its frame is
// parsed (the message with an empty entity array), and each entity is parsed when it is decoded, between
// which other requests are answered. A streaming JSON parser (@streamparser/json) was measured first: four
// times JSON.parse's time on a fleet's message, and 2.3 GB of memory for the deeply nested body. Finding
// where the entities lie and leaving the parsing to JSON.parse costs 15% more than JSON.parse alone.

/** A FeedMessage in its JSON form (UTF-8), not parsed yet (see decodeFeedMessageInSlices). */
export class FeedJson {
  readonly bytes: Buffer;

  constructor(text: Buffer | string) {
    const bytes = typeof text === 'string' ? Buffer.from(text) : text;
    // A byte order mark, as some Windows tools write one, is no part of the JSON.
    this.bytes = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  }
}

/** What is wrong with the text, where (`body`, or `/entity/3`). */
export interface JsonProblem { name: string; reason: string }

/** Where each entity lies in the bytes: its text is decoded only when it is read. */
export class EntityTexts {
  constructor(private readonly bytes: Buffer, private readonly bounds: number[]) {}

  get length(): number {
    return this.bounds.length / 2;
  }

  text(index: number): string {
    return this.bytes.toString('utf8', this.bounds[2 * index], this.bounds[2 * index + 1]);
  }
}

/**
 * The message with its entity array left empty (`frame`) and where each entity lies, in order; or, for a
 * message whose entity array could not be told apart (no array under "entity", the key written twice or
 * with escapes), the message parsed whole and `entities` null.
 */
export type FeedJsonParts = { frame: unknown; entities: EntityTexts | null } | { problem: JsonProblem };

/** Bytes scanned between two steps: about a millisecond of scanning. */
const SCAN_STEP = 1 << 17;

const QUOTE = 34, BACKSLASH = 92, COLON = 58, COMMA = 44, SPACE = 32, TAB = 9, LINE_FEED = 10, CARRIAGE_RETURN = 13;
const OPEN_OBJECT = 123, CLOSE_OBJECT = 125, OPEN_ARRAY = 91, CLOSE_ARRAY = 93;

const notJson = (name: string, reason: string): { problem: JsonProblem } => ({ problem: { name, reason: `not JSON (${reason})` } });

/** Where the string opened at `start` ends (its closing quote), or -1 when the text ends first. */
function stringEnd(bytes: Buffer, start: number): number {
  let end = bytes.indexOf(QUOTE, start + 1);
  while (end > 0) {
    let backslashes = 0;
    while (bytes[end - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = bytes.indexOf(QUOTE, end + 1);
  }
  return -1;
}

function isBlank(bytes: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== SPACE && bytes[i] !== TAB && bytes[i] !== LINE_FEED && bytes[i] !== CARRIAGE_RETURN) return false;
  return true;
}

/**
 * Splits a FeedMessage's JSON text into its frame and its entities, yielding every SCAN_STEP bytes. It
 * reads the UTF-8 bytes, not a string decoded from them: every byte of a character beyond ASCII is 0x80 or
 * more, so none is taken for a quote or a bracket, and only the parts are decoded, each in its turn.
 * Nesting more than `maxNesting` levels below an entity (or the header) is refused, naming the entity it
 * is in; the decoder checks the same more closely on each part. The scan only finds where things are:
 * the frame and each entity are then checked by JSON.parse, and a text is valid JSON exactly when all of
 * them are.
 */
export function* splitFeedJson(json: FeedJson, maxNesting: number): Generator<void, FeedJsonParts, void> {
  const bytes = json.bytes;
  // The message is level 1, its entity array 2, an entity 3.
  const maxDepth = maxNesting + 2;
  let depth = 0;
  // The bracket open at each level, so that one closed by the other kind is refused where it is.
  const open = new Uint8Array(maxDepth + 1);
  // The top-level object's last string and the key it became: whether the array opened is "entity". The
  // parts are read apart only when that key comes once and unescaped, holding an array; otherwise JSON.parse
  // reads the message whole, and says which "entity" counts.
  let lastString: string | null = null;
  let key: string | null = null;
  let entityKeys = 0;
  let escapedKeys = false;
  let entityArrays = 0;
  let inEntities = false;
  let arrayStart = -1;
  let arrayEnd = -1;
  // Where the entity being read starts (after the bracket or comma before it).
  let pieceStart = -1;
  // Start and end of each entity, one after the other.
  const bounds: number[] = [];
  let nextStep = SCAN_STEP;
  for (let i = 0; i < bytes.length; i++) {
    if (i >= nextStep) {
      nextStep = i + SCAN_STEP;
      yield;
    }
    switch (bytes[i]) {
      case QUOTE: {
        // Strings are most of a message: jumped over whole.
        const end = stringEnd(bytes, i);
        if (end < 0) return notJson('body', 'the text ends inside the message: cut short?');
        // Keys of the message itself are short; a long string there is no key we look for.
        if (depth === 1) {
          lastString = end - i <= 16 ? bytes.toString('utf8', i + 1, end) : null;
          if (bytes.subarray(i + 1, end).includes(BACKSLASH)) escapedKeys = true;
        }
        i = end;
        break;
      }
      case COLON:
        if (depth === 1) {
          key = lastString;
          if (key === 'entity') entityKeys++;
        }
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        depth++;
        if (depth > maxDepth) return { problem: { name: inEntities ? `/entity/${bounds.length / 2}` : 'body', reason: `nested more than ${maxNesting} levels deep` } };
        open[depth] = bytes[i]!;
        if (depth === 2 && key === 'entity' && bytes[i] === OPEN_ARRAY) {
          entityArrays++;
          inEntities = true;
          arrayStart = i;
          pieceStart = i + 1;
        }
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        if (depth === 0 || open[depth] !== (bytes[i] === CLOSE_OBJECT ? OPEN_OBJECT : OPEN_ARRAY)) {
          return notJson(inEntities && depth > 2 ? `/entity/${bounds.length / 2}` : 'body', `unexpected "${String.fromCharCode(bytes[i]!)}" at byte ${i}`);
        }
        if (inEntities && depth === 2) {
          // An empty array has no entity; an empty place after a comma ("[{…},]") is kept, for
          // JSON.parse to refuse with its index.
          if (bounds.length > 0 || !isBlank(bytes, pieceStart, i)) bounds.push(pieceStart, i);
          inEntities = false;
          arrayEnd = i;
        }
        depth--;
        break;
      case COMMA:
        if (inEntities && depth === 2) {
          bounds.push(pieceStart, i);
          pieceStart = i + 1;
        }
        break;
    }
  }
  if (depth > 0) return notJson('body', 'the text ends inside the message: cut short?');
  if (entityKeys !== 1 || entityArrays !== 1 || escapedKeys) return parseWhole(bytes.toString('utf8'));
  try {
    return { frame: JSON.parse(bytes.toString('utf8', 0, arrayStart + 1) + bytes.toString('utf8', arrayEnd)), entities: new EntityTexts(bytes, bounds) };
  } catch (error) {
    return notJson('body', (error as Error).message);
  }
}

function parseWhole(text: string): FeedJsonParts {
  try {
    return { frame: JSON.parse(text), entities: null };
  } catch (error) {
    return notJson('body', (error as Error).message);
  }
}
