import { ConfigError } from '../errors.js';

/**
 * Options of the `template` format.
 * @example { template: String.raw`<Date> <Time> <Level> \[<Process>\] <Component>: <Content>` }
 */
export interface TemplateOptions {
  /** A Loghub `log_format` template (see `compileTemplate`). */
  template?: string;
  /**
   * The headers whose values, joined by a space, make the timestamp. Default: every time
   * header of the template (see `mapHeaders`).
   */
  timeHeaders?: string[];
  /**
   * The strftime-style layout of the time headers' joined text (`--time-format`, or inferred from
   * the sampled lines by `inferTemplateTimeFormat`). Default: the layouts of loghub-timestamps.ts.
   */
  timestampFormat?: string;
}

/** A template turned into a regular expression. */
export interface CompiledTemplate {
  template: string;
  /** Anchored at both ends; one named group a header. */
  regex: RegExp;
  /** Header names in template order. */
  headers: string[];
}

const HEADER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Compiles a template in the notation of Loghub's `log_format` (logpai/logparser):
 * `<Name>` is a header, matching any text (`.*?`; the `<Content>` header, or else the
 * last header, `.*`, so it takes the rest of the line); the text between headers is a
 * regular-expression fragment, where a run of spaces matches any run of whitespace
 * (`\s+`); the whole is anchored at both ends. In the fragments, `\<` and `\>` are
 * literal `<` and `>`, and `<`/`>` inside `[...]`, `(?<=`, `(?<!` and `(?<name>` are
 * regex syntax. Throws a ConfigError naming the template when it has no header, a `<`
 * without its `>` (or a `>` without its `<`), a header name that is not letters, digits
 * and `_`, a header twice, or when the result is not a valid regular expression.
 * @example compileTemplate(String.raw`<Date> <Time> <Level> \[<Process>\] <Component>: <Content>`).regex
 * // /^(?<Date>.*?)\s+(?<Time>.*?)\s+(?<Level>.*?)\s+\[(?<Process>.*?)\]\s+(?<Component>.*?):\s+(?<Content>.*)$/s
 */
export function compileTemplate(template: string): CompiledTemplate {
  const fail = (problem: string): never => {
    throw new ConfigError(`template ${JSON.stringify(template)}: ${problem}`);
  };
  const parts: (string | { header: string })[] = [];
  const headers: string[] = [];
  let literal = '';
  let inClass = false;
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c === '\\') {
      if (i + 1 >= template.length) fail('ends with a lone "\\"');
      literal += template.slice(i, i + 2);
      i += 2;
    } else if (inClass) {
      if (c === ']') inClass = false;
      literal += c;
      i++;
    } else if (c === '[') {
      inClass = true;
      literal += c;
      i++;
    } else if (template.startsWith('(?<', i)) {
      // Lookbehind or a named group of the user's: regex syntax, not a header.
      const close = template[i + 3] === '=' || template[i + 3] === '!' ? i + 3 : template.indexOf('>', i + 3);
      if (close < 0) fail(`the "(?<" at column ${i + 1} is never closed by ">"`);
      literal += template.slice(i, close + 1);
      i = close + 1;
    } else if (c === '<') {
      let close = i + 1;
      while (close < template.length && template[close] !== '>' && template[close] !== '<') close++;
      if (close >= template.length || template[close] === '<') fail(`the "<" at column ${i + 1} is never closed by ">" (write \\< for a literal "<")`);
      const name = template.slice(i + 1, close);
      if (!HEADER_NAME.test(name)) fail(`header <${name}> at column ${i + 1}: a header name is letters, digits and "_", not starting with a digit`);
      if (headers.includes(name)) fail(`header <${name}> appears twice`);
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push({ header: name });
      headers.push(name);
      i = close + 1;
    } else if (c === '>') {
      fail(`the ">" at column ${i + 1} closes no "<" (write \\> for a literal ">")`);
    } else if (c === ' ') {
      while (template[i] === ' ') i++;
      literal += String.raw`\s+`;
    } else {
      literal += c;
      i++;
    }
  }
  if (inClass) fail('a "[" is never closed by "]"');
  if (literal !== '') parts.push(literal);
  if (headers.length === 0) fail('has no <Header>: name the fields, e.g. <Date> <Time> <Level> <Content>');
  const greedy = headers.find((h) => h.toLowerCase() === 'content') ?? headers[headers.length - 1];
  const source = '^' + parts.map((p) => (typeof p === 'string' ? p : `(?<${p.header}>${p.header === greedy ? '.*' : '.*?'})`)).join('') + '$';
  let regex: RegExp;
  try {
    // `s`: a header also takes a CR or U+2028 inside the line, as Python's `.` does.
    regex = new RegExp(source, 's');
  } catch (err) {
    throw new ConfigError(`template ${JSON.stringify(template)} is not a valid regular expression: ${(err as Error).message}`, { cause: err });
  }
  return { template, regex, headers };
}

/** Which header fills which record field. */
export interface HeaderMapping {
  /** Headers whose values, joined by a space in this order, make `ts`. */
  time: string[];
  /** True when `time` was given (`timeHeaders`): no fallback to single headers. */
  timeGiven: boolean;
  host?: string;
  service?: string;
  pid?: string;
  /** A `Process` header: the pid when its value is a number and there is no pid header. */
  process?: string;
  level?: string;
  message?: string;
  /** Every other header, stored in `attrs` under its own name. */
  attrs: string[];
}

/** Header names (lower case) of each field, in order of preference. */
const ROLE_NAMES = {
  time: ['timestamp', 'datetime', 'ts', 'date', 'time', 'year', 'month', 'day', 'weekday'],
  host: ['host', 'hostname', 'node'],
  service: ['component', 'service', 'program', 'application', 'app', 'logger', 'process'],
  pid: ['pid', 'processid'],
  level: ['level', 'severity', 'loglevel', 'lvl'],
  message: ['content', 'message', 'msg'],
} as const;

/**
 * Maps a template's headers to record fields; names are compared without case.
 * - `ts`: every time header — Timestamp, DateTime, Ts, Date, Time, Year, Month, Day,
 *   Weekday — joined by a space in template order (`<Date> <Time>` → `081109 203615`), or
 *   the headers listed in `timeHeaders`. A template without one is a ConfigError. When
 *   the joined text is not a timestamp (BGL: epoch `<Timestamp>`, `<Date>` and a full
 *   `<Time>`), each time header is tried alone, the longest value first, and the others are
 *   kept in `attrs`; not with `timeHeaders`, which is taken as given.
 * - `level`: Level (or Severity, LogLevel, Lvl); `message`: Content (or Message, Msg).
 * - `host`: Host, then Hostname, then Node.
 * - `pid`: Pid (or ProcessId).
 * - `service`: the first present of Component, Service, Program, Application, App, Logger,
 *   Process. A Process header that is not the service (Hadoop's `[<Process>]` is the
 *   thread, `<Component>` the logger) goes to attrs — except that a Process whose value is a
 *   number, in a template without a Pid header, is the pid.
 * - Any other header, or a second header of a field already filled, goes to `attrs` under its
 *   own name (BGL's `<Label>`, `<Type>`; Zookeeper's `<Id>`).
 */
export function mapHeaders(compiled: CompiledTemplate, timeHeaders?: readonly string[]): HeaderMapping {
  const { headers, template } = compiled;
  const lower = headers.map((h) => h.toLowerCase());
  let time: string[];
  if (timeHeaders !== undefined) {
    if (!Array.isArray(timeHeaders) || timeHeaders.length === 0 || timeHeaders.some((h) => typeof h !== 'string')) {
      throw new ConfigError(`template ${JSON.stringify(template)}: timeHeaders must be a non-empty list of header names, got ${JSON.stringify(timeHeaders)}`);
    }
    const unknown = timeHeaders.filter((h) => !headers.includes(h));
    if (unknown.length > 0) throw new ConfigError(`template ${JSON.stringify(template)}: timeHeaders names ${unknown.map((h) => `<${h}>`).join(', ')}, not in the template; its headers are ${headers.map((h) => `<${h}>`).join(' ')}`);
    time = [...timeHeaders];
  } else {
    time = headers.filter((_, k) => (ROLE_NAMES.time as readonly string[]).includes(lower[k]));
    if (time.length === 0) {
      throw new ConfigError(`template ${JSON.stringify(template)} has no time header: name one <Date>, <Time>, <Timestamp>, <Month>, <Day>..., or list the headers that make the time in "timeHeaders"`);
    }
  }
  const free = headers.filter((h) => !time.includes(h));
  const freeLower = free.map((h) => h.toLowerCase());
  const pickFree = (names: readonly string[]): string | undefined => {
    for (const n of names) {
      const k = freeLower.indexOf(n);
      if (k >= 0) return free[k];
    }
    return undefined;
  };
  const mapping: HeaderMapping = {
    time,
    timeGiven: timeHeaders !== undefined,
    host: pickFree(ROLE_NAMES.host),
    service: pickFree(ROLE_NAMES.service),
    pid: pickFree(ROLE_NAMES.pid),
    process: freeLower.includes('process') ? free[freeLower.indexOf('process')] : undefined,
    level: pickFree(ROLE_NAMES.level),
    message: pickFree(ROLE_NAMES.message),
    attrs: [],
  };
  const taken = new Set([mapping.host, mapping.service, mapping.pid, mapping.process, mapping.level, mapping.message]);
  mapping.attrs = free.filter((h) => !taken.has(h));
  return mapping;
}

/** Compiles and maps a template format's options: what the config loader checks and the format uses. */
export function prepareTemplate(options: TemplateOptions): { compiled: CompiledTemplate; mapping: HeaderMapping } {
  const template = options.template;
  if (typeof template !== 'string' || template === '') {
    throw new ConfigError(`format "template" needs a template: pass --template '<Date> <Time> <Level> <Content>' or set "template" in the config file`);
  }
  const compiled = compileTemplate(template);
  return { compiled, mapping: mapHeaders(compiled, options.timeHeaders) };
}
