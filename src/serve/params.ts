import type { Context } from 'hono';
import type { z } from 'zod';
import { UsageError } from '../errors.js';

/** A bad query parameter: the server answers 400 naming it. */
export class ParamError extends UsageError {
  constructor(
    /** The parameter at fault, as written in the URL. */
    readonly param: string,
    message: string,
  ) {
    super(`bad parameter "${param}": ${message}`);
  }
}

/**
 * The query string of a request checked against `schema` (a strict zod object): defaults
 * filled, text coerced. The first problem is thrown as a ParamError naming its parameter; an
 * unknown parameter is one too. A parameter given twice keeps its first value.
 */
export function parseParams<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const raw: Record<string, string> = {};
  for (const [key, values] of Object.entries(c.req.queries())) raw[key] = values[0];
  return checkParams(raw, schema);
}

/** As parseParams, over an object already read. */
export function checkParams<S extends z.ZodType>(raw: Record<string, unknown>, schema: S): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    throw new ParamError(issue.keys[0], 'unknown parameter');
  }
  const key = issue.path.length > 0 ? String(issue.path[0]) : '(query)';
  const value = raw[key];
  throw new ParamError(key, `${issue.message}${value !== undefined && !issue.message.includes(String(value)) ? ` (got "${String(value)}")` : ''}`);
}
