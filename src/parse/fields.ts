import { normalizeLevel, SYSLOG_SEVERITY_LEVELS, type Level } from './level.js';
import type { RowWriter } from './row-writer.js';
import { epochToMicros, parseTimestampString, type ZoneResolver } from './timestamp.js';

/**
 * Names under which structured logs carry the record's own fields, most common first. A dotted
 * name (`log.level`) is found both as a key written so and as a member of a nested object
 * (`{"log":{"level":"info"}}`, ECS); see NESTED_CONTAINERS.
 * Sources: zap, logrus, zerolog, pino, bunyan, winston, Serilog CLEF (`@t @l @m @mt`),
 * OpenTelemetry log records (`timeUnixNano`, `severityText`, `severityNumber`, `body`), ECS
 * (`@timestamp`, `log.level`, `log.logger`, `service.name`, `host.name`), journald's JSON export
 * (`__REALTIME_TIMESTAMP`, `PRIORITY`, `MESSAGE`, `_HOSTNAME`, `SYSLOG_IDENTIFIER`, `_PID`),
 * Monolog (`datetime`, `level_name`, `channel`), GELF (`short_message`), python-json-logger
 * (`asctime`, `levelname`, `name`), MongoDB (`t.$date`), CloudTrail (`eventTime`, `eventName` as the message).
 */
export const FIELD_ALIASES = {
  ts: ['ts', 'time', 'timestamp', '@timestamp', 'datetime', 'date', 't', 'eventTime', '@t', 'timeStamp', 'Timestamp', 'TimeStamp', 'time_local', 'asctime', 'timeUnixNano', 'time_unix_nano', 'observedTimeUnixNano', '__REALTIME_TIMESTAMP', 'data.date', 'event.created'],
  host: ['host', 'hostname', 'host_name', 'node', 'host.name', 'host.hostname', '_HOSTNAME', 'Hostname'],
  service: ['service', 'service_name', 'app', 'application', 'program', 'logger', 'name', 'component', 'service.name', 'serviceName', 'logger_name', 'loggerName', 'log.logger', 'SourceContext', 'channel', 'SYSLOG_IDENTIFIER'],
  pid: ['pid', 'process_id', 'process.pid', '_PID'],
  level: ['level', 'severity', 'lvl', 'loglevel', 'log_level', 'levelname', 'priority', 'level_name', 'severityText', 'severity_text', 'log.level', '@l', 'Level', 'SeverityText', 'PRIORITY', 'severityNumber', 'severity_number'],
  message: ['msg', 'message', 'log', 'text', 'body', '@m', '@mt', 'short_message', 'Message', 'MESSAGE', 'RenderedMessage', 'Body', 'eventName'],
} as const;

/**
 * Keys whose object value is looked into for dotted aliases (`log` of `log.level`), and the
 * `ts` keys whose object value may be MongoDB's extended JSON `{"$date": ...}`.
 */
export const NESTED_CONTAINERS: ReadonlySet<string> = new Set([
  ...Object.values(FIELD_ALIASES).flatMap((names) => (names as readonly string[]).filter((n) => n.includes('.')).map((n) => n.slice(0, n.indexOf('.')))),
  ...FIELD_ALIASES.ts,
  ...FIELD_ALIASES.message,
]);

/**
 * The level a number names, by the convention of the key that holds it: OpenTelemetry's
 * `severityNumber` 1-24 (four per level, TRACE..FATAL); otherwise bunyan/pino 10-60, Monolog
 * 100-600 and syslog severities 0-7 (journald's PRIORITY, GELF's level). undefined when
 * the number is none of these.
 */
export function levelFromNumber(n: number, key: string): Level | undefined {
  if (!Number.isInteger(n)) return undefined;
  if (key === 'severityNumber' || key === 'severity_number') return n >= 1 && n <= 24 ? OTEL_LEVELS[(n - 1) >> 2] : undefined;
  if (n >= 0 && n <= 7) return SYSLOG_SEVERITY_LEVELS[n];
  return NUMBERED_LEVELS.get(n);
}

const OTEL_LEVELS: readonly Level[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
const NUMBERED_LEVELS = new Map<number, Level>([
  [10, 'TRACE'], [20, 'DEBUG'], [30, 'INFO'], [40, 'WARN'], [50, 'ERROR'], [60, 'FATAL'],
  [100, 'DEBUG'], [200, 'INFO'], [250, 'NOTICE'], [300, 'WARN'], [400, 'ERROR'], [500, 'FATAL'], [550, 'FATAL'], [600, 'FATAL'],
]);

/** A level text as written (`warn`, `Warning`, `30`, `"9"`) normalised, given the key it came under. */
export function levelFromText(text: string, key: string): Level | undefined {
  const t = text.trim();
  const named = normalizeLevel(t);
  if (named !== undefined) return named;
  return /^\d{1,3}$/.test(t) ? levelFromNumber(Number(t), key) : undefined;
}

/** Attrs mark of a record whose line had no time: it carries the file's modification time. */
export const TIME_FROM_MTIME = { key: 'time_from', value: 'file_mtime' } as const;

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

  /** The alias that filled `level` (its number's convention depends on it). */
  get levelKey(): string {
    const r = this.rank.level;
    return r === undefined ? 'level' : FIELD_ALIASES.level[r];
  }

  /** A member that fills no field whatever its name. */
  addAttr(key: string, value: unknown): void {
    setAttr(this.attrs, key, value);
  }

  /**
   * Adds the members of a JSON object: those of nested objects under NESTED_CONTAINERS keys
   * fill the fields their dotted names alias (`{"log":{"level":"info"}}` → level), the rest of
   * such an object stays in attrs under its key; `{"$date": ...}` under a time key is the time,
   * `{"stringValue": ...}` under a message key (OpenTelemetry's AnyValue) the message.
   */
  addObject(record: Record<string, unknown>): void {
    for (const key in record) {
      const value = record[key];
      if (value === null || typeof value !== 'object' || Array.isArray(value) || !NESTED_CONTAINERS.has(key)) {
        this.add(key, value);
        continue;
      }
      const inner = value as Record<string, unknown>;
      const hit = ALIAS_INDEX.get(key);
      if (hit?.field === 'ts' && typeof inner.$date !== 'object' && inner.$date !== undefined) {
        this.add(key, inner.$date);
        continue;
      }
      if (hit?.field === 'message' && typeof inner.stringValue === 'string') {
        this.add(key, inner.stringValue);
        continue;
      }
      let rest: Record<string, unknown> | undefined;
      for (const sub in inner) {
        const v = inner[sub];
        const dotted = `${key}.${sub}`;
        if (ALIAS_INDEX.has(dotted) && (typeof v === 'string' || typeof v === 'number') && this.offer(dotted, v)) {
          rest ??= { ...inner };
          delete rest[sub];
        }
      }
      if (rest === undefined && hit !== undefined) this.add(key, value);
      else if (Object.keys(rest ?? inner).length > 0) this.addAttr(key, rest ?? inner);
    }
  }

  /** Fills the field `key` aliases when no better alias filled it; false (nothing done) otherwise. */
  private offer(key: string, value: unknown): boolean {
    const hit = ALIAS_INDEX.get(key);
    if (hit === undefined) return false;
    const held = this.rank[hit.field];
    if (held !== undefined && held < hit.rank) return false;
    this.add(key, value);
    return true;
  }

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

/** How writeFields treats what a line lacks. */
export interface WriteFieldsOptions {
  /** A record without a time takes the file's modification time (`referenceMicros`), marked in attrs (TIME_FROM_MTIME). */
  noTimeFromMtime?: boolean;
  /** The service when the record names none (a docker compose prefix's container name). */
  service?: string;
  /** The alias the level came under (FieldCollector.levelKey), for numeric levels. */
  levelKey?: string;
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
export function writeFields(f: RecordFields, out: RowWriter, zone: ZoneResolver, referenceMicros: number, options: WriteFieldsOptions = {}): string | null {
  let us: number;
  if (f.ts === undefined || f.ts === null || f.ts === '') {
    if (options.noTimeFromMtime !== true) return 'no timestamp field';
    us = referenceMicros;
    f.attrs ??= {};
    f.attrs[TIME_FROM_MTIME.key] = TIME_FROM_MTIME.value;
  } else {
    us = toMicros(f.ts, zone, referenceMicros);
    if (Number.isNaN(us)) return `unreadable timestamp ${JSON.stringify(String(f.ts)).slice(0, 60)}`;
  }
  if (f.service === undefined && options.service !== undefined) f.service = options.service;
  const levelRaw = asText(f.level);
  const level = levelRaw === undefined ? undefined : levelFromText(levelRaw, options.levelKey ?? 'level');
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
