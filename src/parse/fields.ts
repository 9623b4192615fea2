import { normalizeLevel } from './level.js';
import type { RowWriter } from './row-writer.js';
import { epochToMicros, parseTimestampString, type ZoneResolver } from './timestamp.js';

/** Names under which structured logs carry the record's own fields, most common first. */
export const FIELD_ALIASES = {
  ts: ['ts', 'time', 'timestamp', '@timestamp', 'datetime', 'date', 't', 'eventTime'],
  host: ['host', 'hostname', 'host_name', 'node'],
  service: ['service', 'service_name', 'app', 'application', 'program', 'logger', 'name', 'component'],
  pid: ['pid', 'process_id'],
  level: ['level', 'severity', 'lvl', 'loglevel', 'log_level', 'levelname', 'priority'],
  message: ['msg', 'message', 'log', 'text', 'body'],
} as const;

type FieldName = keyof typeof FIELD_ALIASES;

/** key → which field it names and how preferred that name is (lower first). */
const ALIAS_INDEX = new Map<string, { field: FieldName; rank: number }>();
for (const field of Object.keys(FIELD_ALIASES) as FieldName[]) {
  FIELD_ALIASES[field].forEach((alias, rank) => {
    if (!ALIAS_INDEX.has(alias)) ALIAS_INDEX.set(alias, { field, rank });
  });
}

/**
 * Sorts the key/value pairs of a structured line (JSON, logfmt) into record fields and
 * attrs, in one pass: the most preferred alias present fills a field (`msg` over `message`),
 * the others stay in attrs.
 */
export class FieldCollector {
  readonly fields: RecordFields = { ts: undefined };
  private readonly attrs: Record<string, unknown> = {};
  private readonly rank: Partial<Record<FieldName, number>> = {};

  add(key: string, value: unknown): void {
    const hit = ALIAS_INDEX.get(key);
    const held = hit === undefined ? undefined : this.rank[hit.field];
    if (hit !== undefined && (held === undefined || hit.rank < held)) {
      if (held !== undefined) setAttr(this.attrs, FIELD_ALIASES[hit.field][held], this.fields[hit.field]);
      this.fields[hit.field] = value;
      this.rank[hit.field] = hit.rank;
    } else {
      setAttr(this.attrs, key, value);
    }
  }

  /** The fields, with attrs attached. */
  finish(): RecordFields {
    this.fields.attrs = this.attrs;
    return this.fields;
  }
}

function setAttr(attrs: Record<string, unknown>, key: string, value: unknown): void {
  // A plain assignment of "__proto__" would set the prototype, not a key.
  if (key === '__proto__') Object.defineProperty(attrs, key, { value, enumerable: true, writable: true, configurable: true });
  else attrs[key] = value;
}

/** The pieces of one record, as strings or numbers, before they are written. */
export interface RecordFields {
  ts: unknown;
  host?: unknown;
  service?: unknown;
  pid?: unknown;
  level?: unknown;
  message?: unknown;
  attrs?: Record<string, unknown>;
}

/** Converts a timestamp value (ISO string, epoch number or numeric string) to µs, or NaN. */
export function toMicros(value: unknown, zone: ZoneResolver, referenceMicros: number): number {
  if (typeof value === 'number') return epochToMicros(value);
  if (typeof value === 'string') return parseTimestampString(value, zone, referenceMicros);
  return NaN;
}

function asText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/**
 * Writes a record from already-extracted fields (the JSON and regex formats).
 * Returns null, or a reason when the timestamp is missing or unreadable — in which
 * case nothing was written.
 */
export function writeFields(f: RecordFields, out: RowWriter, zone: ZoneResolver, referenceMicros: number): string | null {
  if (f.ts === undefined || f.ts === null || f.ts === '') return 'no timestamp field';
  const us = toMicros(f.ts, zone, referenceMicros);
  if (Number.isNaN(us)) return `unreadable timestamp ${JSON.stringify(String(f.ts)).slice(0, 60)}`;
  const levelRaw = asText(f.level);
  const level = levelRaw === undefined ? undefined : normalizeLevel(levelRaw.trim());
  const pidText = asText(f.pid);
  const pid = pidText !== undefined && /^\d{1,10}$/.test(pidText) ? Number(pidText) : undefined;
  const attrs = f.attrs ?? {};
  if (pidText !== undefined && pid === undefined) attrs.pid = f.pid;
  out.beginRecord(us);
  writeOptional(out, asText(f.host));
  writeOptional(out, asText(f.service));
  if (pid !== undefined) out.int(pid);
  else out.empty();
  writeOptional(out, level);
  writeOptional(out, levelRaw);
  // Docker's json-file driver keeps the line's own newline in `log`.
  const message = asText(f.message);
  writeOptional(out, message !== undefined && message.endsWith('\n') ? message.replace(/\r?\n$/, '') : message);
  if (Object.keys(attrs).length > 0) out.text(JSON.stringify(attrs));
  else out.empty();
  return null;
}

function writeOptional(out: RowWriter, v: string | undefined): void {
  if (v === undefined) out.empty();
  else out.text(v);
}
