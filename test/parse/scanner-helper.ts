import { expect } from 'vitest';
import type { RowWriter } from '../../src/parse/row-writer.js';

/** What a parser wrote for one line: its reason, or the record's time and fields (host ... attrs). */
export interface WrittenRecord {
  reason: string | null;
  us?: number;
  fields?: Array<string | number | null>;
}

/** Runs `parse` against a RowWriter stand-in that keeps the fields of the one record it writes. */
export function recordOf(parse: (out: RowWriter) => string | null): WrittenRecord {
  const fields: Array<string | number | null> = [];
  let us: number | undefined;
  const writer = {
    beginRecord: (t: number) => void (us = t),
    bytes: (buf: Buffer, s: number, e: number) => void fields.push(s === e ? null : buf.toString('utf8', s, e)),
    text: (v: string) => void fields.push(v === '' ? null : v),
    ascii: (v: string) => void fields.push(v === '' ? null : v),
    int: (v: number) => void fields.push(v),
    empty: () => void fields.push(null),
  };
  const reason = parse(writer as unknown as RowWriter);
  return reason === null ? { reason, us, fields } : { reason };
}

/**
 * `count` lines, each one of `seeds` with one byte deleted, inserted (from `alphabet`) or
 * replaced, chosen by a fixed-seed generator: the same lines every run.
 */
export function* oneByteEdits(seeds: readonly Buffer[], alphabet: Buffer, count: number, seed: number): Generator<Buffer> {
  let state = seed;
  const next = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
  for (let k = 0; k < count; k++) {
    const base = seeds[next(seeds.length)];
    const at = next(base.length);
    const op = next(3);
    const byte = alphabet[next(alphabet.length)];
    if (op === 0) yield Buffer.concat([base.subarray(0, at), base.subarray(at + 1)]);
    else if (op === 1) yield Buffer.concat([base.subarray(0, at), Buffer.from([byte]), base.subarray(at)]);
    else yield Buffer.from(base).fill(byte, at, at + 1);
  }
}

/**
 * A fast path's record equals the general path's. attrs are compared as JSON values, after
 * JSON.parse and JSON.stringify on both sides: the fast paths write them from the line's bytes
 * (`1.50`, `-0`, `\u00e9`, a 20-digit id as written), the general paths by JSON.stringify.
 */
export function expectSameRecord(line: Buffer, got: WrittenRecord, want: WrittenRecord): void {
  const where = line.toString('utf8');
  expect(got.reason, where).toBe(want.reason);
  if (want.reason !== null) return;
  expect(got.us, where).toBe(want.us);
  expect(got.fields!.slice(0, 6), where).toEqual(want.fields!.slice(0, 6));
  const attrs = (f: Array<string | number | null>) => (f[6] === null ? null : JSON.parse(JSON.stringify(JSON.parse(String(f[6])))));
  expect(attrs(got.fields!), where).toEqual(attrs(want.fields!));
  expect(got.fields!.length, where).toBe(7);
}
