import { renderAccessLine, type AccessRequest } from './access-log.js';
import { openChunkWriter } from './chunk-writer.js';
import { ERROR, LEVELS, pickBaselineLevel, type Fleet, type LevelIndex, type LogStream } from './fleet.js';
import { renderMalformedAccess, renderMalformedJson, renderMalformedSyslog, type MalformedLine } from './malformed.js';
import { listTemplates, type MessageContext, type RenderMessage } from './messages.js';
import type { ErrorInjection, RunPlan } from './plan.js';
import type { Rng } from './rng.js';
import { createClfTimestampFormatter, createTimestampFormatter } from './timestamp.js';
import { createTraffic } from './traffic.js';

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
  /** Well-formed lines at ERROR or FATAL, injected ones included. */
  readonly errorLines: number;
  /** 1-based, ascending. */
  readonly malformedLineNumbers: number[];
  readonly continuationLineNumbers: number[];
}

/** How one format turns the traffic model's lines into text. */
interface LineRenderer {
  /**
   * A well-formed line, ending in `\n`: a baseline line of the given level when `injection`
   * is undefined, else one of that anomaly's ERROR lines.
   */
  renderRecord(timeMs: number, level: LevelIndex, injection: ErrorInjection | undefined): string;
  /** A line the format's parser rejects, cut from a baseline record at `timeMs`; no `\n`. */
  renderMalformed(timeMs: number): MalformedLine;
}

/**
 * Writes the log file line by line in time order: the well-formed lines at the times the
 * traffic model gives (baseline and injected lines merged), and malformed lines dropped into
 * random positions so that exactly `lines` come out. Every format shares this loop and the
 * traffic model; only the rendering differs.
 */
export async function writeLogFile(options: WriteLogFileOptions): Promise<WrittenLog> {
  const { path, format, lines, startMs, spanMs, plan, fleet, rng } = options;
  const renderer = format === 'apache' ? createAccessRenderer(rng) : createRecordRenderer(rng, fleet, format === 'json');
  const traffic = createTraffic({ plan, startMs, endMs: startMs + spanMs, rng });

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
        const bad = renderer.renderMalformed(lastMs);
        if (bad.continuation && inRecord) continuationLineNumbers.push(i + 1);
        else inRecord = false;
        writer.append(bad.text + '\n');
      } else {
        traffic.next();
        lastMs = traffic.timeMs;
        const injection = traffic.injection;
        const level = injection === undefined ? pickBaselineLevel(rng.next()) : ERROR;
        if (level >= ERROR) errorLines++;
        inRecord = true;
        writer.append(renderer.renderRecord(lastMs, level, injection));
      }
      if (writer.full) await writer.flush();
    }
  } finally {
    await writer.close();
  }
  return { errorLines, malformedLineNumbers, continuationLineNumbers };
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
 * The `syslog` and `json` formats: one host and service per line. Three in four of an
 * anomaly's lines repeat the error that dominates it; the rest are that service's other errors.
 */
function createRecordRenderer(rng: Rng, fleet: Fleet, json: boolean): LineRenderer {
  const formatTimestamp = createTimestampFormatter();
  const context: MessageContext = { rng, json, extra: '' };
  const laneOf = new Map<LogStream, Lane>();
  for (const stream of fleet.streams) {
    const tag = ` ${stream.host} ${stream.service}[${stream.pid}]: `;
    const fields = `","host":"${stream.host}","service":"${stream.service}","pid":${stream.pid},"level":"`;
    laneOf.set(stream, {
      syslogHeads: LEVELS.map((level) => `${tag}${level} `),
      jsonHeads: LEVELS.map((level) => `${fields}${level.toLowerCase()}","msg":`),
      templates: listTemplates(stream.service),
    });
  }
  return {
    renderRecord(timeMs, level, injection) {
      let lane: Lane;
      let render: RenderMessage;
      if (injection === undefined) {
        lane = laneOf.get(fleet.pickStream(rng))!;
        render = rng.pick(lane.templates[level]);
      } else {
        lane = laneOf.get(injection.stream)!;
        render = rng.next() < 0.75 ? injection.dominant : rng.pick(lane.templates[ERROR]);
      }
      context.extra = '';
      const message = render(context);
      const timestamp = formatTimestamp(timeMs);
      return json
        ? `{"ts":"${timestamp}${lane.jsonHeads[level]}${JSON.stringify(message)}${context.extra}}\n`
        : `${timestamp}${lane.syslogHeads[level]}${message}\n`;
    },
    renderMalformed(timeMs) {
      const lane = laneOf.get(fleet.pickStream(rng))!;
      const level = pickBaselineLevel(rng.next());
      context.extra = '';
      const message = rng.pick(lane.templates[level])(context);
      const timestamp = formatTimestamp(timeMs);
      const record = {
        syslog: timestamp + lane.syslogHeads[level] + message,
        json: `{"ts":"${timestamp}${lane.jsonHeads[level]}${JSON.stringify(message)}${context.extra}}`,
      };
      return json ? renderMalformedJson(rng, record) : renderMalformedSyslog(rng, record);
    },
  };
}

/**
 * The `apache` format: a line's level becomes its status (ERROR and FATAL 5xx, WARN 4xx, else
 * 2xx or 3xx), so an anomaly's extra errors show as extra 5xx: three in four of them repeat the
 * failing request that dominates it. Access logs name no host or service: an anomaly's host and
 * service in the truth file say which upstream failed, not anything on the line. Malformed
 * access-log lines are never stack-trace lines: none continues a record.
 */
function createAccessRenderer(rng: Rng): LineRenderer {
  const formatTime = createClfTimestampFormatter();
  return {
    renderRecord(timeMs, level, injection) {
      let pinned: AccessRequest | undefined;
      if (injection !== undefined && rng.next() < 0.75) pinned = injection.dominantRequest;
      return renderAccessLine(rng, formatTime(timeMs), level, pinned) + '\n';
    },
    renderMalformed(timeMs) {
      return renderMalformedAccess(rng, renderAccessLine(rng, formatTime(timeMs), pickBaselineLevel(rng.next())));
    },
  };
}
