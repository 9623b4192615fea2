/**
 * The few error classes logscope throws on purpose. Each has a stable `code`
 * so callers (the CLI reporter, later the server's onError) can tell them apart
 * without matching on message text.
 */
export abstract class LogscopeError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A config file or option has a value we cannot use. Names the path and the value. */
export class ConfigError extends LogscopeError {
  readonly code = 'E_CONFIG';
}

/** An input path is missing, unreadable or not a log file. */
export class InputError extends LogscopeError {
  readonly code = 'E_INPUT';
  constructor(readonly path: string, message: string, options?: { cause?: unknown }) {
    super(`${path}: ${message}`, options);
  }
}

/** An input logscope does not read at all (a compression it cannot decompress): nothing of it was read. */
export class RefusedInputError extends InputError {}

/** The store cannot be opened or written (locked, corrupt, missing). */
export class StoreError extends LogscopeError {
  readonly code = 'E_STORE';
}

/** A query failed; the message is DuckDB's. */
export class QueryError extends LogscopeError {
  readonly code = 'E_QUERY';
}

/** Bad command-line usage. */
export class UsageError extends LogscopeError {
  readonly code = 'E_USAGE';
}
