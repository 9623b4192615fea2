import { RowWriter } from './row-writer.js';

/** Bucket origin shared with `sql/zscore.sql` and `sql/trends.sql`: 2000-01-03 00:00 UTC, a Monday, in µs. */
export const BUCKET_ORIGIN_US = 946_857_600_000_000;

/** Level names in index order; index 8 is a record without a level. */
export const COUNT_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR', 'FATAL', 'UNKNOWN'] as const;
const UNKNOWN_LEVEL = 7;
const LEVEL_SLOTS = 8;

/** Which record field names a series, if any. */
export type CountSeries = '' | 'service' | 'host';

/** Counts per (bucket, series, level): what a scan hands back instead of records. */
export interface CountTable {
  /** Bucket start, µs since the epoch. */
  bucketUs: number[];
  series: number[];
  level: number[];
  count: number[];
  /** Series names by index (`*` when not split). */
  seriesNames: string[];
  records: number;
}

/**
 * A RowWriter that keeps no records, only how many fell in each time bucket per level (and
 * per service or host): the input of an anomaly scan straight from files. Formats write to it
 * exactly as to a RowWriter, so every format works; the message and attrs are never copied.
 */
export class CountingWriter extends RowWriter {
  private readonly bucket: number;
  private readonly seriesField: number;
  private fieldNo = 0;
  private level = UNKNOWN_LEVEL;
  private seriesId = 0;
  private curBucket = NaN;
  /** Counts of the current bucket: series * LEVEL_SLOTS + level. */
  private tally = new Float64Array(LEVEL_SLOTS * 16);
  private touched: number[] = [];
  private readonly out: CountTable = { bucketUs: [], series: [], level: [], count: [], seriesNames: ['*'], records: 0 };
  private readonly seriesIds = new Map<string, number>();

  constructor(bucketUs: number, by: CountSeries) {
    super(4096);
    this.bucket = bucketUs;
    // host is field 0, service field 1 (see RowWriter).
    this.seriesField = by === 'host' ? 0 : by === 'service' ? 1 : -1;
    if (by !== '') this.out.seriesNames = [];
  }

  override setInputClean(): void {}

  override beginRecord(us: number): void {
    const b = Math.floor((us - BUCKET_ORIGIN_US) / this.bucket);
    if (b !== this.curBucket) {
      this.flush();
      this.curBucket = b;
    }
    this.fieldNo = 0;
    this.level = UNKNOWN_LEVEL;
    this.seriesId = this.seriesField < 0 ? 0 : this.seriesIdOf('');
  }

  override bytes(buf: Buffer, start: number, end: number): void {
    const f = this.fieldNo++;
    if (f === 3) this.level = levelOfBytes(buf, start, end);
    else if (f === this.seriesField) this.seriesId = this.seriesIdOf(buf.toString('latin1', start, end));
  }

  override text(value: string): void {
    const f = this.fieldNo++;
    if (f === 3) this.level = levelOfText(value);
    else if (f === this.seriesField) this.seriesId = this.seriesIdOf(value);
  }

  override ascii(value: string): void {
    this.text(value);
  }

  override int(): void {
    this.fieldNo++;
  }

  override empty(): void {
    this.fieldNo++;
  }

  override endRecord(): void {
    // The continuation is kept only for a format that reads its record's later lines (continuationText); never written.
    this.clearContinuation();
    const slot = this.seriesId * LEVEL_SLOTS + this.level;
    if (slot >= this.tally.length) {
      const grown = new Float64Array(Math.max(this.tally.length * 2, slot + LEVEL_SLOTS));
      grown.set(this.tally);
      this.tally = grown;
    }
    if (this.tally[slot]++ === 0) this.touched.push(slot);
    this.out.records++;
  }

  override unparsed(): void {}

  override get unparsedCount(): number {
    return 0;
  }

  override release(): void {}

  /** The counts so far. Call once, after the last record. */
  table(): CountTable {
    this.flush();
    return this.out;
  }

  private flush(): void {
    if (this.touched.length === 0) return;
    const startUs = this.curBucket * this.bucket + BUCKET_ORIGIN_US;
    for (const slot of this.touched) {
      this.out.bucketUs.push(startUs);
      this.out.series.push(Math.floor(slot / LEVEL_SLOTS));
      this.out.level.push(slot % LEVEL_SLOTS);
      this.out.count.push(this.tally[slot]);
      this.tally[slot] = 0;
    }
    this.touched = [];
  }

  private seriesIdOf(name: string): number {
    let id = this.seriesIds.get(name);
    if (id === undefined) {
      id = this.out.seriesNames.length;
      this.out.seriesNames.push(name === '' ? '(none)' : name);
      this.seriesIds.set(name, id);
    }
    return id;
  }
}

/** Index in COUNT_LEVELS of a normalised level name. */
function levelOfText(value: string): number {
  switch (value) {
    case 'INFO':
      return 2;
    case 'ERROR':
      return 5;
    case 'WARN':
      return 4;
    case 'DEBUG':
      return 1;
    case 'FATAL':
      return 6;
    case 'NOTICE':
      return 3;
    case 'TRACE':
      return 0;
    default:
      return UNKNOWN_LEVEL;
  }
}

function levelOfBytes(buf: Buffer, start: number, end: number): number {
  return levelOfText(buf.toString('latin1', start, end));
}
