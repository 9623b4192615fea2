/** What the tally needs of a stage-1 template miner (`src/detect/miner`). */
export interface MessageSigner {
  signature(message: string): number;
  signatureOf(buf: Buffer, start: number, end: number): number;
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
/** Longest example kept, in characters. */
export const EXAMPLE_CHARS = 1000;

/**
 * Per chunk, in a parse worker: the signature of every record's message (stage 1 of template
 * mining), and per distinct signature how many records, when first and last, the level mix and
 * a first example — what the catalog's `templates` view shows. The RowWriter feeds it.
 */
export class SignatureTally {
  private readonly stats = new Map<number, ChunkSignature>();
  private id = 0;
  private level = NO_LEVEL;
  private us = 0;
  /** Where the current record's message is: bytes of exBuf, or exText. */
  private hasMessage = false;
  private exBuf: Buffer | null = null;
  private exStart = 0;
  private exEnd = 0;
  private exText = '';

  constructor(private readonly signer: MessageSigner) {}

  begin(us: number): void {
    this.us = us;
    this.level = NO_LEVEL;
    this.id = 0;
    this.hasMessage = false;
  }

  levelText(value: string): void {
    this.level = LEVEL_INDEX[value] ?? NO_LEVEL;
  }

  messageBytes(buf: Buffer, start: number, end: number): void {
    this.id = this.signer.signatureOf(buf, start, end);
    this.hasMessage = true;
    this.exBuf = buf;
    this.exStart = start;
    this.exEnd = end;
  }

  messageText(value: string): void {
    this.id = this.signer.signature(value);
    this.hasMessage = true;
    this.exBuf = null;
    this.exText = value;
  }

  private example(): string {
    if (this.exBuf === null) return this.exText.slice(0, EXAMPLE_CHARS);
    return this.exBuf.toString('utf8', this.exStart, Math.min(this.exEnd, this.exStart + EXAMPLE_CHARS * 3)).slice(0, EXAMPLE_CHARS);
  }

  /** Ends the record: returns its signature id (0 when it had no message). */
  end(relLine: number): number {
    const id = this.id;
    if (!this.hasMessage) return 0;
    let s = this.stats.get(id);
    if (s === undefined) {
      s = { id, count: 0, firstUs: this.us, lastUs: this.us, levels: [0, 0, 0, 0, 0, 0, 0, 0], example: this.example(), exampleLine: relLine };
      this.stats.set(id, s);
    }
    s.count++;
    if (this.us < s.firstUs) {
      s.firstUs = this.us;
      s.example = this.example();
      s.exampleLine = relLine;
    }
    if (this.us > s.lastUs) s.lastUs = this.us;
    s.levels[this.level]++;
    return id;
  }

  /** The chunk's signatures. */
  take(): ChunkSignature[] {
    return [...this.stats.values()];
  }
}
