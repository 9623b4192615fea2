import { openChunkWriter } from './chunk-writer.js';
import { ERROR, LEVELS, pickBaselineLevel, type Fleet, type LevelIndex } from './fleet.js';
import { renderMalformedJson, renderMalformedSyslog } from './malformed.js';
import { listTemplates, type MessageContext, type RenderMessage } from './messages.js';
import type { RunPlan } from './plan.js';
import type { Rng } from './rng.js';
import { createTimestampFormatter } from './timestamp.js';

/** Inputs to {@link writeLogFile}. */
export interface WriteLogFileOptions {
  readonly path: string;
  readonly format: 'syslog' | 'json';
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
