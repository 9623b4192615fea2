/** What the tally needs of a stage-1 template miner (`src/detect/miner`): refs, small whole numbers naming signatures until the miner's next drain. */
export interface MessageSigner {
  refOf(buf: Buffer, start: number, end: number): number;
  refOfText(message: string): number;
  idOfRef(ref: number): number;
}

/** One signature's share of a chunk. */
export interface ChunkSignature {
  id: number;
  count: number;
  firstUs: number;
  lastUs: number;
  /** Records per level: TRACE, DEBUG, INFO, NOTICE, WARN, ERROR, FATAL, none. */
  levels: number[];
  /** The first message with this signature in the chunk (its first line), and its line in the chunk. */
  example: string;
  exampleLine: number;
}

const LEVEL_INDEX: Record<string, number> = { TRACE: 0, DEBUG: 1, INFO: 2, NOTICE: 3, WARN: 4, ERROR: 5, FATAL: 6 };
const NO_LEVEL = 7;
const LEVEL_NAMES = Object.keys(LEVEL_INDEX);
/** Longest example kept, in characters. */
export const EXAMPLE_CHARS = 1000;

/** LEVEL_INDEX of the latin1 text buf[start, end), without making a string. */
function levelIndexOf(buf: Uint8Array, start: number, end: number): number {
  const n = end - start;
  for (let l = 0; l < LEVEL_NAMES.length; l++) {
    const name = LEVEL_NAMES[l];
    if (name.length !== n) continue;
    let i = 0;
    while (i < n && buf[start + i] === name.charCodeAt(i)) i++;
    if (i === n) return l;
  }
  return NO_LEVEL;
}

/** `into`, a larger array, with `from` copied to its start. */
function enlarged<T extends Int32Array | Float64Array>(from: T, into: T): T {
  into.set(from);
  return into;
}

/**
 * Per chunk, in a parse worker: the signature of every record's message (stage 1 of template
 * mining), and per distinct signature how many records, when first and last, the level mix and
 * a first example — what the catalog's `templates` view shows. The RowWriter feeds it.
 *
 * Signatures are counted by their miner's ref in typed arrays (no map keyed by the 53-bit id
 * per record); a tally lives as long as its miner and is emptied by `take`, which must come
 * before the miner's drain (refs are valid until then).
 */
export class SignatureTally {
  /** Per ref: records this chunk (0: not seen), first and last time, levels (8 a ref), example and its line. */
  private counts = new Int32Array(1024);
  private firstUs = new Float64Array(1024);
  private lastUs = new Float64Array(1024);
  private levels = new Int32Array(1024 * 8);
  private examples: string[] = [];
  private exampleLines = new Int32Array(1024);
  private touched: number[] = [];
  /** The current record's ref (-1: no message yet), level and time. */
  private ref = -1;
  private level = NO_LEVEL;
  private us = 0;
  /** Where the current record's message is: bytes of exBuf, or exText. */
  private exBuf: Buffer | null = null;
  private exStart = 0;
  private exEnd = 0;
  private exText = '';

  constructor(private readonly signer: MessageSigner) {}

  begin(us: number): void {
    this.us = us;
    this.level = NO_LEVEL;
    this.ref = -1;
  }

  levelText(value: string): void {
    this.level = LEVEL_INDEX[value] ?? NO_LEVEL;
  }

  /** The level as latin1 bytes buf[start, end). */
  levelBytes(buf: Buffer, start: number, end: number): void {
    this.level = levelIndexOf(buf, start, end);
  }

  messageBytes(buf: Buffer, start: number, end: number): void {
    this.ref = this.signer.refOf(buf, start, end);
    this.exBuf = buf;
    this.exStart = start;
    this.exEnd = end;
  }

  messageText(value: string): void {
    this.ref = this.signer.refOfText(value);
    this.exBuf = null;
    this.exText = value;
  }

  private example(): string {
    if (this.exBuf === null) return this.exText.slice(0, EXAMPLE_CHARS);
    return this.exBuf.toString('utf8', this.exStart, Math.min(this.exEnd, this.exStart + EXAMPLE_CHARS * 3)).slice(0, EXAMPLE_CHARS);
  }

  /** Makes room for ref r in the per-ref arrays. */
  private grow(r: number): void {
    let size = this.counts.length;
    while (size <= r) size *= 2;
    this.counts = enlarged(this.counts, new Int32Array(size));
    this.firstUs = enlarged(this.firstUs, new Float64Array(size));
    this.lastUs = enlarged(this.lastUs, new Float64Array(size));
    this.levels = enlarged(this.levels, new Int32Array(size * 8));
    this.exampleLines = enlarged(this.exampleLines, new Int32Array(size));
  }

  /** Ends the record: returns the ref of its signature, or -1 when it had no message. */
  end(relLine: number): number {
    const r = this.ref;
    if (r < 0) return -1;
    if (r >= this.counts.length) this.grow(r);
    const us = this.us;
    if (this.counts[r]++ === 0) {
      this.touched.push(r);
      this.firstUs[r] = us;
      this.lastUs[r] = us;
      this.examples[r] = this.example();
      this.exampleLines[r] = relLine;
    } else if (us < this.firstUs[r]) {
      this.firstUs[r] = us;
      this.examples[r] = this.example();
      this.exampleLines[r] = relLine;
    } else if (us > this.lastUs[r]) {
      this.lastUs[r] = us;
    }
    this.levels[r * 8 + this.level]++;
    return r;
  }

  /** The signature id of a ref `end` returned. */
  idOf(ref: number): number {
    return this.signer.idOfRef(ref);
  }

  /** The chunk's signatures; empties the tally for the next chunk. */
  take(): ChunkSignature[] {
    const out: ChunkSignature[] = [];
    for (const r of this.touched) {
      const at = r * 8;
      out.push({
        id: this.signer.idOfRef(r), count: this.counts[r], firstUs: this.firstUs[r], lastUs: this.lastUs[r],
        levels: Array.from(this.levels.subarray(at, at + 8)), example: this.examples[r], exampleLine: this.exampleLines[r],
      });
      this.counts[r] = 0;
      this.levels.fill(0, at, at + 8);
      this.examples[r] = '';
    }
    this.touched = [];
    return out;
  }
}
