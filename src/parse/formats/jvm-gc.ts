import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { indexOfByte } from '../line-scan.js';
import type { RowWriter } from '../row-writer.js';
import { parseIsoBytes, type ParsedAt } from '../timestamp.js';

/**
 * JVM garbage-collector logs:
 * - unified logging (`-Xlog:gc*`, JDK 9+): decorations in brackets, then the message:
 *   `[2026-11-25T10:00:00.123+0000][1234][info][gc] GC(0) Pause Young (Normal) 24M->4M(256M) 3.456ms`,
 *   default `[0.123s][info][gc] Using G1`; any of the decorations time, utctime, uptime,
 *   timemillis, uptimemillis, timenanos, uptimenanos, pid, tid, level and tags, in any order;
 * - the JDK 8 form `2026-11-25T10:00:00.123+0000: 1.234: [GC (Allocation Failure) ...]`
 *   (`-XX:+PrintGCDateStamps`, with or without `-XX:+PrintGCTimeStamps`) and `1.234: [GC ...]`.
 * The tags fill service (`gc,heap`), the pid pid; the uptime, tid and the `GC(n)` id go to attrs.
 * A line with only the JVM's uptime is dated from the file's time plus that uptime (the
 * JVM's start is not in the log), with `time_from: "uptime"` in attrs.
 */
const jvmGc: FormatDefinition = {
  name: 'jvm-gc',
  specificity: 7,
  description: 'JVM GC logs: unified logging "[time][pid][level][tags] message" (any decorations) and JDK 8 "time: uptime: [GC ...]"',
  example: '[2026-11-25T10:00:00.123+0000][1234][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->4M(256M) 3.456ms',
  create(_options, ctx) {
    return createGcParser(ctx);
  },
};
export default jvmGc;

const SP = 32;
const LB = 91;
const RB = 93;
const COLON = 58;

function createGcParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      return buf[start] === LB ? parseUnified(buf, start, end, out) : parseLegacy(buf, start, end, out);
    },
  };

  function parseUnified(buf: Buffer, start: number, end: number, out: RowWriter): string | null {
    let us = NaN;
    let uptime = NaN;
    let pid = -1;
    let tid = -1;
    let level: string | undefined;
    let ls = -1;
    let le = -1;
    let tags = -1;
    let tagsEnd = -1;
    let i = start;
    while (i < end && buf[i] === LB) {
      const s = i + 1;
      const e = indexOfByte(buf, RB, s, end);
      if (e < 0 || e === s) return 'unclosed decoration';
      const c = buf[s];
      if (c >= 48 && c <= 57) {
        const t = parseIsoBytes(buf, s, e, ctx.zone, at);
        if (!Number.isNaN(t) && at.end === e) us = t;
        else {
          const n = readNumber(buf, s, e);
          if (n.unit === 's') uptime = n.value;
          else if (n.unit === 'ms') n.value > 1e11 ? (us = n.value * 1000) : (uptime = n.value / 1000);
          else if (n.unit === 'ns') n.value > 1e17 ? (us = Math.round(n.value / 1000)) : (uptime = n.value / 1e9);
          else if (n.unit === '' && Number.isInteger(n.value)) pid < 0 ? (pid = n.value) : (tid = n.value);
          else return 'unknown decoration';
        }
      } else {
        let te = e;
        while (te > s && buf[te - 1] === SP) te--;
        const word = buf.toString('latin1', s, te);
        const lv = level === undefined && tags < 0 ? UNIFIED_LEVELS[word] : undefined;
        if (lv !== undefined) {
          level = lv;
          ls = s;
          le = te;
        } else if (tags < 0 && /^[a-z0-9_]+(,[a-z0-9_]+)*$/.test(word)) {
          tags = s;
          tagsEnd = te;
        } else {
          return 'unknown decoration';
        }
      }
      i = e + 1;
    }
    if (tags < 0) return 'no [tags]';
    if (i < end && buf[i] !== SP) return 'no space after the decorations';
    let fromUptime = false;
    if (Number.isNaN(us)) {
      if (Number.isNaN(uptime)) return 'no time or uptime';
      us = ctx.referenceMicros + Math.round(uptime * 1e6);
      fromUptime = true;
    }
    const ms = i < end ? i + 1 : end;
    const attrs: Record<string, unknown> = {};
    if (!Number.isNaN(uptime)) attrs.uptime_s = uptime;
    if (fromUptime) attrs.time_from = 'uptime';
    if (tid >= 0) attrs.tid = tid;
    const gc = gcId(buf, ms, end);
    if (gc >= 0) attrs.gc_id = gc;
    out.beginRecord(us);
    out.empty();
    out.bytes(buf, tags, tagsEnd);
    if (pid >= 0) out.int(pid);
    else out.empty();
    if (level !== undefined) {
      out.ascii(level);
      out.bytes(buf, ls, le);
    } else {
      out.empty();
      out.empty();
    }
    out.bytes(buf, ms, end);
    out.text(JSON.stringify(attrs));
    return null;
  }

  /** `2026-...+0000: 1.234: [GC ...`, `2026-...+0000: [GC ...` or `1.234: [GC ...`. */
  function parseLegacy(buf: Buffer, start: number, end: number, out: RowWriter): string | null {
    let us = NaN;
    let uptime = NaN;
    let i = start;
    if (buf[i + 4] === 45) {
      us = parseIsoBytes(buf, i, end, ctx.zone, at);
      if (Number.isNaN(us) || buf[at.end] !== COLON || buf[at.end + 1] !== SP) return 'no "time: "';
      i = at.end + 2;
    }
    if (buf[i] >= 48 && buf[i] <= 57) {
      const c = indexOfByte(buf, COLON, i, Math.min(end, i + 20));
      if (c < 0 || buf[c + 1] !== SP) return 'no "uptime: "';
      const n = readNumber(buf, i, c);
      if (n.unit !== '' || Number.isInteger(n.value) && indexOfByte(buf, 46, i, c) < 0) return 'no "uptime: "';
      uptime = n.value;
      i = c + 2;
    }
    if (buf[i] !== LB || (Number.isNaN(us) && Number.isNaN(uptime))) return 'no "[GC"';
    // The event: `[GC`, `[Full GC`, `[GC pause`, `[GC concurrent-...`, `[CMS-...`.
    if (!(buf[i + 1] === 71 && buf[i + 2] === 67) && !(buf[i + 1] === 70 && buf[i + 6] === 71) && !(buf[i + 1] === 67 && buf[i + 2] === 77 && buf[i + 3] === 83)) return 'no "[GC"';
    let fromUptime = false;
    if (Number.isNaN(us)) {
      us = ctx.referenceMicros + Math.round(uptime * 1e6);
      fromUptime = true;
    }
    out.beginRecord(us);
    out.empty();
    out.ascii('gc');
    out.empty();
    out.empty();
    out.empty();
    out.bytes(buf, i, end);
    if (Number.isNaN(uptime)) out.empty();
    else out.text(JSON.stringify(fromUptime ? { uptime_s: uptime, time_from: 'uptime' } : { uptime_s: uptime }));
    return null;
  }
}

const UNIFIED_LEVELS: Record<string, string | undefined> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warning: 'WARN', error: 'ERROR' };

const num = { value: 0, unit: '' };

/** A decimal number with an optional unit (`1.234s`, `123ms`, `1234`) filling [s, e); unit '?' when it is none of those. */
function readNumber(buf: Buffer, s: number, e: number): { value: number; unit: string } {
  let i = s;
  while (i < e && ((buf[i] >= 48 && buf[i] <= 57) || buf[i] === 46 || buf[i] === 44)) i++;
  const text = buf.toString('latin1', s, i).replace(',', '.');
  const unit = buf.toString('latin1', i, e);
  num.value = i === s ? NaN : Number(text);
  num.unit = Number.isNaN(num.value) || (unit !== '' && unit !== 's' && unit !== 'ms' && unit !== 'ns') ? '?' : unit;
  return num;
}

/** The n of a message starting `GC(n) `, or -1. */
function gcId(buf: Buffer, s: number, e: number): number {
  if (e - s < 5 || buf[s] !== 71 || buf[s + 1] !== 67 || buf[s + 2] !== 40) return -1;
  let v = 0;
  let i = s + 3;
  while (i < e && buf[i] >= 48 && buf[i] <= 57 && i - s < 14) v = v * 10 + buf[i++] - 48;
  return i > s + 3 && buf[i] === 41 ? v : -1;
}
