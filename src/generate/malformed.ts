import type { Rng } from './rng.js';

/** A well-formed record rendered both ways, for malformed lines to be cut from. */
export interface RecordText {
  /** `2026-11-25T10:00:00.123Z web-03 nginx[1234]: ERROR ...` */
  readonly syslog: string;
  /** `{"ts":"2026-11-25T10:00:00.123Z",...}` */
  readonly json: string;
}

const CLASSES = [
  ['com.example.shop.orders', 'OrderService', 'placeOrder'],
  ['com.example.shop.billing', 'InvoiceRepository', 'save'],
  ['com.example.shop.http', 'RequestHandler', 'handle'],
  ['org.postgresql.core.v3', 'QueryExecutorImpl', 'execute'],
  ['java.util.concurrent', 'ThreadPoolExecutor', 'runWorker'],
] as const;
/** Lines of stack traces and tracebacks: a multi-line reader joins them to the record before. */
const TRACE_LINES = [
  'Caused by: java.net.SocketTimeoutException: Read timed out',
  'Caused by: org.postgresql.util.PSQLException: ERROR: deadlock detected',
  'java.lang.IllegalStateException: Connection pool shut down',
  'Traceback (most recent call last):',
  '  File "/srv/app/worker/tasks.py", line 88, in run',
];
const STRAY_TEXT = [
  'goroutine 17 [running]:',
  'panic: runtime error: invalid memory address or nil pointer dereference',
  'Segmentation fault (core dumped)',
  'Killed',
  '*** stack smashing detected ***: terminated',
  'WARNING: apt does not have a stable CLI interface. Use with caution in scripts.',
  '--- output truncated ---',
  'Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout',
];
// Cut points just after 'T', ':' or '.': no parser takes these prefixes as a
// time, unlike "2026", "2026-11-25" or even "2026-11-" (V8's Date.parse does).
const TIMESTAMP_CUTS = [11, 14, 17, 20];
const TIMESTAMP_LENGTH = 24;

/** A line no parser of the format takes; `continuation` when it is a stack-trace line. */
export interface MalformedLine {
  text: string;
  /** A stack frame or traceback line: joined to the record before it, when there is one. */
  continuation: boolean;
}

const trace = (text: string): MalformedLine => ({ text, continuation: true });
const junk = (text: string): MalformedLine => ({ text, continuation: false });

/**
 * Renders a line that a syslog-shape parser must reject: it never starts with
 * a valid timestamp followed by ` host tag: `.
 */
export function renderMalformedSyslog(r: Rng, record: RecordText): MalformedLine {
  const roll = r.next();
  if (roll < 0.25) return trace(renderStackFrame(r));
  if (roll < 0.35) return trace(r.pick(TRACE_LINES));
  if (roll < 0.45) return junk(r.pick(STRAY_TEXT));
  if (roll < 0.7) return junk(garbleTimestamp(r, record.syslog));
  // Cut short before the ": " that ends the tag, as when a writer dies mid-line.
  const tagEnd = record.syslog.indexOf(': ', TIMESTAMP_LENGTH);
  return junk(record.syslog.slice(0, r.int(TIMESTAMP_LENGTH + 2, tagEnd - 1)));
}

/** Renders a line that `JSON.parse` rejects. */
export function renderMalformedJson(r: Rng, record: RecordText): MalformedLine {
  const roll = r.next();
  if (roll < 0.4) {
    // Any strict prefix of an object is invalid: it lacks the closing brace.
    return junk(record.json.slice(0, r.int(8, record.json.length - 2)));
  }
  if (roll < 0.55) return trace(renderStackFrame(r));
  if (roll < 0.65) return trace(r.pick(TRACE_LINES));
  if (roll < 0.75) return junk(r.pick(STRAY_TEXT));
  if (roll < 0.9) return junk(record.syslog);
  return junk(renderPythonRepr(record.json));
}

function renderStackFrame(r: Rng): string {
  const [pkg, cls, method] = r.pick(CLASSES);
  return `    at ${pkg}.${cls}.${method}(${cls}.java:${r.int(12, 900)})`;
}

function garbleTimestamp(r: Rng, line: string): string {
  const rest = line.slice(TIMESTAMP_LENGTH);
  if (r.next() < 0.5) return line.slice(0, r.pick(TIMESTAMP_CUTS)) + rest;
  // Overwrite one digit, as a corrupted write or a bad editor would.
  const digitPositions = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
  const at = r.pick(digitPositions);
  return line.slice(0, at) + r.pick(['?', '#', 'x', 'O']) + line.slice(at + 1, TIMESTAMP_LENGTH) + rest;
}

/** What a Python service prints when it logs `str(record)` instead of JSON. */
function renderPythonRepr(json: string): string {
  return json.replace(/"/g, "'").replace(/':/g, "': ").replace(/,'/g, ", '");
}

/** What else lands in an access log: a server's own messages written to the same file. */
const ACCESS_STRAY_TEXT = [
  "AH00558: apache2: Could not reliably determine the server's fully qualified domain name, using 127.0.1.1. Set the 'ServerName' directive globally to suppress this message",
  '2026/11/25 10:00:00 [error] 31#31: *4711 connect() failed (111: Connection refused) while connecting to upstream',
  'nginx: [warn] the "ssl" directive is deprecated, use the "listen ... ssl" directive instead',
];
/** Offsets in `25/Nov/2026:10:00:00 +0000` of the day, month, year and time characters. */
const CLF_GARBLE_POSITIONS = [0, 1, 3, 4, 5, 7, 8, 9, 10, 12, 13, 15, 16, 18, 19];

/**
 * Renders a line that the `apache` access-log parser must reject, cut from the well-formed
 * `line`. Never a stack-trace line: nothing here continues the record before it.
 */
export function renderMalformedAccess(r: Rng, line: string): MalformedLine {
  const roll = r.next();
  const timeStart = line.indexOf('[') + 1;
  if (roll < 0.4) {
    // Cut short inside the time or the quoted request, as when a writer dies mid-line.
    const requestEnd = line.indexOf('" ', line.indexOf('] "') + 3);
    return junk(line.slice(0, r.int(timeStart, requestEnd)));
  }
  if (roll < 0.75) {
    // One character of the time overwritten, as a corrupted write would.
    const at = timeStart + r.pick(CLF_GARBLE_POSITIONS);
    return junk(line.slice(0, at) + r.pick(['?', '#', '*', '~']) + line.slice(at + 1));
  }
  if (roll < 0.85) return junk(r.pick(STRAY_TEXT));
  return junk(r.pick(ACCESS_STRAY_TEXT));
}
