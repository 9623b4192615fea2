import { readdirSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import type { FormatDefinition, FormatSpec, LineParser, ParseContext } from './format.js';

let loaded: Map<string, FormatDefinition> | undefined;

/** The format files of `./formats/`: one format each, named like its file. */
function formatFiles(): { dir: URL; ext: string; files: string[] } {
  const dir = new URL('./formats/', import.meta.url);
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const files = readdirSync(dir).filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts') && !f.endsWith(`.test${ext}`)).sort();
  return { dir, ext, files };
}

/**
 * The names `--format` takes without a config: `auto` and every built-in format. Synchronous
 * (file names, no import), for the config loader; a test checks it against `loadFormats`.
 */
export function builtinFormatNames(): string[] {
  const { ext, files } = formatFiles();
  return ['auto', ...files.map((f) => f.slice(0, -ext.length))];
}

/**
 * Loads every format file in `./formats/` (compiled `.js`, or `.ts` under the test runner).
 * One file, one format: nothing else needs to change to add one.
 */
export async function loadFormats(): Promise<Map<string, FormatDefinition>> {
  if (loaded !== undefined) return loaded;
  const { dir, ext, files } = formatFiles();
  const map = new Map<string, FormatDefinition>();
  for (const file of files) {
    const mod = (await import(new URL(file, dir).href)) as { default?: FormatDefinition };
    const def = mod.default;
    if (def === undefined || typeof def.create !== 'function') throw new Error(`format file ${file} has no default FormatDefinition export`);
    if (map.has(def.name)) throw new Error(`two format files define "${def.name}"`);
    if (`${def.name}${ext}` !== file) throw new Error(`format file ${file} defines "${def.name}": name the file after its format`);
    map.set(def.name, def);
  }
  loaded = map;
  return map;
}

/**
 * Loads one format file by its name, without the others: a parse worker needs only the
 * format of its chunk, and each format file it imports is start-up time of every worker.
 */
async function loadFormat(name: string): Promise<FormatDefinition | undefined> {
  if (loaded !== undefined) return loaded.get(name);
  const { dir, ext, files } = formatFiles();
  if (!files.includes(`${name}${ext}`)) return undefined;
  const def = ((await import(new URL(`${name}${ext}`, dir).href)) as { default?: FormatDefinition }).default;
  return def?.name === name && typeof def.create === 'function' ? def : (await loadFormats()).get(name);
}

/** Builds the parser for a format spec; a ConfigError names an unknown format or bad options. */
export async function createParser(spec: FormatSpec, ctx: ParseContext): Promise<LineParser> {
  const def = await loadFormat(spec.name);
  if (def === undefined) throw new ConfigError(`unknown format "${spec.name}"; known formats: ${[...(await loadFormats()).keys()].join(', ')}`);
  return withContinuation(def, def.create(spec.options, ctx));
}

/**
 * The parser with its format's context-free continuation lines (`FormatDefinition.continuation`)
 * joined to its records too, before the parser's own rule (`LineParser.continues`).
 */
export function withContinuation(def: FormatDefinition, parser: LineParser): LineParser {
  const line = def.continuation;
  if (line === undefined) return parser;
  const own = parser.continues;
  parser.continues = own === undefined ? (buf, _recordStart, start, end) => line(buf, start, end) : (buf, recordStart, start, end) => line(buf, start, end) || own.call(parser, buf, recordStart, start, end);
  parser.continuesByLine = own === undefined || parser.continuesByLine === true;
  return parser;
}
