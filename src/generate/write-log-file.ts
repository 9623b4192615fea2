import { pickBurstRequest, renderAccessLine, type AccessRequest } from './access-log.js';
import { openChunkWriter } from './chunk-writer.js';
import { ERROR, LEVELS, pickBaselineLevel, type Fleet, type LevelIndex } from './fleet.js';
import { renderMalformedAccess, renderMalformedJson, renderMalformedSyslog } from './malformed.js';
import { listTemplates, type MessageContext, type RenderMessage } from './messages.js';
import type { BurstPlan, RunPlan } from './plan.js';
import type { Rng } from './rng.js';
import { createClfTimestampFormatter, createTimestampFormatter } from './timestamp.js';

/** Inputs to {@link writeLogFile}. */
export interface WriteLogFileOptions {
  readonly path: string;
  readonly format: 'syslog' | 'json' | 'apache';
  readonly lines: number;
  readonly startMs: number;
  readonly spanMs: number;
  readonly plan: RunPlan;
  readonly fleet: Fleet;
  readonly rng: Rng;
}

/** What was written, as far as the truth file needs it. */
export interface WrittenLog {
  /** Well-formed lines at ERROR or FATAL, bursts included. */
  readonly errorLines: number;
  /** 1-based, ascending. */
  readonly malformedLineNumbers: number[];
  readonly continuationLineNumbers: number[];
}

/** Per-stream text that does not change from line to line. */
interface Lane {
  /** ` web-03 nginx[1234]: ERROR `, by level. */
  readonly syslogHeads: readonly string[];
  /** `","host":"web-03",...,"level":"error","msg":`, by level. */
  readonly jsonHeads: readonly string[];
  readonly templates: readonly (readonly RenderMessage[])[];
}

/**
 * Writes the log file line by line in time order: baseline lines spread
 * evenly over the span, burst lines merged in by timestamp, and malformed
 * lines dropped into random positions so that exactly `lines` come out.
 */
export async function writeLogFile(options: WriteLogFileOptions): Promise<WrittenLog> {
  const { path, format, lines, startMs, spanMs, plan, fleet, rng } = options;
  if (format === 'apache') return writeAccessLog(options);
  const json = format === 'json';
  const formatTimestamp = createTimestampFormatter();
  const context: MessageContext = { rng, json, extra: '' };
  const lanes = fleet.streams.map((stream): Lane => {
    const tag = ` ${stream.host} ${stream.service}[${stream.pid}]: `;
    const fields = `","host":"${stream.host}","service":"${stream.service}","pid":${stream.pid},"level":"`;
    return {
      syslogHeads: LEVELS.map((level) => `${tag}${level} `),
      jsonHeads: LEVELS.map((level) => `${fields}${level.toLowerCase()}","msg":`),
      templates: listTemplates(stream.service),
    };
  });
  const laneOf = new Map(fleet.streams.map((stream, i) => [stream, lanes[i]]));

  const baseStep = spanMs / Math.max(plan.baseLines, 1);
  let baseDone = 0;
  let nextBaseMs = plan.baseLines > 0 ? startMs + Math.floor(rng.next() * baseStep) : Infinity;

  const bursts = plan.bursts;
  let burstIndex = 0;
  let burstDone = 0;
  let nextBurstMs = bursts.length > 0 ? placeBurstLine(0) : Infinity;
  /** Time of the given line of the current burst, spread evenly like the baseline. */
  function placeBurstLine(lineInBurst: number): number {
    const burst = bursts[burstIndex];
    const step = (burst.endMs - burst.startMs) / burst.lines;
    return burst.startMs + Math.floor((lineInBurst + rng.next()) * step);
  }

  let malformedLeft = plan.malformedLines;
  const malformedLineNumbers: number[] = [];
  const continuationLineNumbers: number[] = [];
  // Whether the last line went into a record (well-formed, or a trace line joined to one).
  let inRecord = false;
  let errorLines = 0;
  let lastMs = startMs;
  const writer = await openChunkWriter(path);
  try {
    for (let i = 0; i < lines; i++) {
      // Selection sampling: exactly malformedLeft of the remaining slots get one.
      if (malformedLeft > 0 && rng.next() * (lines - i) < malformedLeft) {
        malformedLeft--;
        malformedLineNumbers.push(i + 1);
        const lane = laneOf.get(fleet.pickStream(rng))!;
        const level = pickBaselineLevel(rng.next());
        context.extra = '';
        const message = rng.pick(lane.templates[level])(context);
        const timestamp = formatTimestamp(lastMs);
        const record = {
          syslog: timestamp + lane.syslogHeads[level] + message,
          json: `{"ts":"${timestamp}${lane.jsonHeads[level]}${JSON.stringify(message)}${context.extra}}`,
        };
        const bad = json ? renderMalformedJson(rng, record) : renderMalformedSyslog(rng, record);
        if (bad.continuation && inRecord) continuationLineNumbers.push(i + 1);
        else inRecord = false;
        writer.append(bad.text + '\n');
      } else {
        let lane: Lane;
        let level: LevelIndex;
        let render: RenderMessage;
        if (nextBurstMs < nextBaseMs) {
          const burst = bursts[burstIndex];
          lastMs = nextBurstMs;
          lane = laneOf.get(burst.stream)!;
          level = ERROR;
          render = rng.next() < 0.75 ? burst.dominant : rng.pick(lane.templates[ERROR]);
          if (++burstDone < burst.lines) {
            nextBurstMs = placeBurstLine(burstDone);
          } else {
            burstIndex++;
            burstDone = 0;
            nextBurstMs = burstIndex < bursts.length ? placeBurstLine(0) : Infinity;
          }
        } else {
          lastMs = nextBaseMs;
          lane = laneOf.get(fleet.pickStream(rng))!;
          level = pickBaselineLevel(rng.next());
          render = rng.pick(lane.templates[level]);
          nextBaseMs = ++baseDone < plan.baseLines
            ? startMs + Math.floor((baseDone + rng.next()) * baseStep)
            : Infinity;
        }
        inRecord = true;
        if (level >= ERROR) errorLines++;
        context.extra = '';
        const message = render(context);
        const timestamp = formatTimestamp(lastMs);
        writer.append(
          json
            ? `{"ts":"${timestamp}${lane.jsonHeads[level]}${JSON.stringify(message)}${context.extra}}\n`
            : `${timestamp}${lane.syslogHeads[level]}${message}\n`,
        );
      }
      if (writer.full) await writer.flush();
    }
  } finally {
    await writer.close();
  }
  return { errorLines, malformedLineNumbers, continuationLineNumbers };
}

/**
 * The `apache` format: the same traffic model (time spread, error bursts, malformed share) as
 * access-log lines. A line's level becomes its status (ERROR and FATAL 5xx, WARN 4xx, else 2xx
 * or 3xx), so an error burst shows as a burst of 5xx: three in four of its lines repeat the one
 * failing request that dominates it. Access logs name no host or service: the bursts' host and
 * service in the truth file say which upstream failed, not anything on the line.
 */
async function writeAccessLog(options: WriteLogFileOptions): Promise<WrittenLog> {
  const { path, lines, startMs, spanMs, plan, rng } = options;
  const formatTime = createClfTimestampFormatter();

  const baseStep = spanMs / Math.max(plan.baseLines, 1);
  let baseDone = 0;
  let nextBaseMs = plan.baseLines > 0 ? startMs + Math.floor(rng.next() * baseStep) : Infinity;

  const bursts = plan.bursts;
  let burstIndex = 0;
  let burstDone = 0;
  let nextBurstMs = bursts.length > 0 ? placeBurstLine(0) : Infinity;
  function placeBurstLine(lineInBurst: number): number {
    const burst = bursts[burstIndex];
    const step = (burst.endMs - burst.startMs) / burst.lines;
    return burst.startMs + Math.floor((lineInBurst + rng.next()) * step);
  }
  // Drawn at a burst's first line, so that the draws stay in line order.
  const dominant = new Map<BurstPlan, AccessRequest>();

  let malformedLeft = plan.malformedLines;
  const malformedLineNumbers: number[] = [];
  let errorLines = 0;
  let lastMs = startMs;
  const writer = await openChunkWriter(path);
  try {
    for (let i = 0; i < lines; i++) {
      if (malformedLeft > 0 && rng.next() * (lines - i) < malformedLeft) {
        malformedLeft--;
        malformedLineNumbers.push(i + 1);
        const record = renderAccessLine(rng, formatTime(lastMs), pickBaselineLevel(rng.next()));
        writer.append(renderMalformedAccess(rng, record).text + '\n');
      } else {
        let level: LevelIndex;
        let pinned: AccessRequest | undefined;
        if (nextBurstMs < nextBaseMs) {
          const burst = bursts[burstIndex];
          lastMs = nextBurstMs;
          level = ERROR;
          let request = dominant.get(burst);
          if (request === undefined) {
            request = pickBurstRequest(rng);
            dominant.set(burst, request);
          }
          pinned = rng.next() < 0.75 ? request : undefined;
          if (++burstDone < burst.lines) {
            nextBurstMs = placeBurstLine(burstDone);
          } else {
            burstIndex++;
            burstDone = 0;
            nextBurstMs = burstIndex < bursts.length ? placeBurstLine(0) : Infinity;
          }
        } else {
          lastMs = nextBaseMs;
          level = pickBaselineLevel(rng.next());
          pinned = undefined;
          nextBaseMs = ++baseDone < plan.baseLines
            ? startMs + Math.floor((baseDone + rng.next()) * baseStep)
            : Infinity;
        }
        if (level >= ERROR) errorLines++;
        writer.append(renderAccessLine(rng, formatTime(lastMs), level, pinned) + '\n');
      }
      if (writer.full) await writer.flush();
    }
  } finally {
    await writer.close();
  }
  // Malformed access-log lines are never stack-trace lines: none continues a record.
  return { errorLines, malformedLineNumbers, continuationLineNumbers: [] };
}
