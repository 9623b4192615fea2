import fs from 'node:fs';
import { loadFormats, withHeaderAfter, type FormatSpec } from '../parse/index.js';
import { planFileChunks } from './chunker.js';
import type { ChunkInput } from './task.js';

/**
 * Carries a header-driven format's header (W3C `#Fields:`, Zeek `#fields`) from chunk to chunk
 * of one source. Chunks are parsed in parallel, and a chunk cut from the middle of a file does
 * not hold the header its lines are read by, nor a restart's new header met in an earlier chunk.
 * So the chunks are looked through in order here, as they are sent: `specFor` gives the spec to
 * send with a chunk (the header in effect at its start), then takes in the chunk's own header
 * lines for the next one. Formats without a header pass through untouched, and unread.
 */
export class ChunkHeaders {
  private constructor(private spec: FormatSpec) {}

  /**
   * For a source read from `offset` on with `spec`: a spec without a header yet (a format
   * given by name, or the one a resumed file was stored with) gets the header of the bytes
   * before `offset`, read in line-aligned pieces.
   */
  static async start(spec: FormatSpec, file: string | undefined, offset: number): Promise<ChunkHeaders> {
    const headers = new ChunkHeaders(spec);
    if (file !== undefined && offset > 0 && spec.options.header === undefined && (await hasHeader(spec))) {
      for (const r of planFileChunks(file, 0, offset, 8 << 20)) headers.spec = await withHeaderAfter(headers.spec, readRange(file, r.start, r.end), 0, r.end - r.start);
    }
    return headers;
  }

  /** The spec to send with this chunk, given the spec the source was resolved to. */
  async specFor(resolved: FormatSpec, input: ChunkInput): Promise<FormatSpec> {
    // Detection on a stream's first chunk may resolve the format after `start`.
    if (resolved.name !== this.spec.name) this.spec = resolved;
    if (!(await hasHeader(this.spec))) return this.spec;
    const bytes = input.kind === 'file' ? readRange(input.path, input.start, input.end) : Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength);
    // A first chunk without a header known reads its own: the header starts the file.
    const send = this.spec.options.header === undefined ? await withHeaderAfter(this.spec, bytes, 0, bytes.length) : this.spec;
    this.spec = await withHeaderAfter(send, bytes, 0, bytes.length);
    return send;
  }
}

async function hasHeader(spec: FormatSpec): Promise<boolean> {
  return (await loadFormats()).get(spec.name)?.readHeader !== undefined;
}

function readRange(file: string, start: number, end: number): Buffer {
  const buf = Buffer.allocUnsafe(end - start);
  const fd = fs.openSync(file, 'r');
  try {
    let done = 0;
    while (done < buf.length) {
      const n = fs.readSync(fd, buf, done, buf.length - done, start + done);
      if (n === 0) break;
      done += n;
    }
    return buf.subarray(0, done);
  } finally {
    fs.closeSync(fd);
  }
}
