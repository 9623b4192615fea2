/**
 * Splitting SQL text into statements, and finding the statement an EXPLAIN wraps, so that
 * logscope runs exactly the text it checked. Both are deliberately simple: where they read the
 * text differently from DuckDB, the piece they return does not parse as one statement of the
 * expected kind and the query is refused, never let through (see `prepareReadOnly`).
 */

/** Skips whitespace and comments (`-- ...`, nested `/* ... *\/`) from `i`; returns the next index. */
function skipSpace(sql: string, i: number): number {
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i])) i++;
    if (sql.startsWith('--', i)) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (sql.startsWith('/*', i)) {
      i = skipBlockComment(sql, i);
    } else {
      return i;
    }
  }
}

function skipBlockComment(sql: string, i: number): number {
  let depth = 0;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return i;
}

/** The end of the quoted text that starts at `i` (a `'`, `"` or `$tag$` opener). */
function skipQuoted(sql: string, i: number): number {
  const open = sql[i];
  if (open === '$') {
    const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i, i + 64))?.[0];
    if (tag === undefined) return i + 1;
    const end = sql.indexOf(tag, i + tag.length);
    return end < 0 ? sql.length : end + tag.length;
  }
  // An E'...' string takes backslash escapes; in the others a doubled quote escapes.
  const backslash = open === "'" && i > 0 && /[eE]/.test(sql[i - 1]) && (i < 2 || !/[A-Za-z0-9_]/.test(sql[i - 2]));
  for (let j = i + 1; j < sql.length; j++) {
    if (backslash && sql[j] === '\\') j++;
    else if (sql[j] === open) {
      if (sql[j + 1] === open) j++;
      else return j + 1;
    }
  }
  return sql.length;
}

/**
 * Cuts SQL text at the semicolons that end statements (not those inside strings, quoted
 * identifiers, dollar-quoted text or comments). Pieces holding only blanks and comments are
 * dropped.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const piece = sql.slice(start, end);
    if (skipSpace(piece, 0) < piece.length) out.push(piece);
  };
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '$') i = skipQuoted(sql, i);
    else if (sql.startsWith('--', i) || sql.startsWith('/*', i)) i = skipSpace(sql, i);
    else if (c === ';') {
      push(i);
      start = ++i;
    } else i++;
  }
  push(sql.length);
  return out;
}

/** A statement's first keyword, upper-cased, after any blanks and comments; undefined if it starts otherwise. */
export function leadingKeyword(sql: string): string | undefined {
  return /^[A-Za-z_]+/.exec(sql.slice(skipSpace(sql, 0)))?.[0].toUpperCase();
}

/**
 * The statement an `EXPLAIN` statement explains: the text after `EXPLAIN`, an optional
 * `ANALYZE`/`ANALYSE` and an optional option list such as `(ANALYZE, FORMAT json)`.
 * Undefined when the text does not start with EXPLAIN.
 */
export function explainedStatement(sql: string): string | undefined {
  let i = skipSpace(sql, 0);
  const word = (w: string) => sql.slice(i, i + w.length).toUpperCase() === w && !/[A-Za-z0-9_]/.test(sql[i + w.length] ?? '');
  if (!word('EXPLAIN')) return undefined;
  i = skipSpace(sql, i + 'EXPLAIN'.length);
  if (word('ANALYZE') || word('ANALYSE')) i = skipSpace(sql, i + 'ANALYZE'.length);
  else if (sql[i] === '(') {
    const close = sql.indexOf(')', i);
    // Only words and commas between the parentheses: anything else is not an option list.
    if (close < 0 || !/^[\sA-Za-z_,]*$/.test(sql.slice(i + 1, close))) return sql.slice(i);
    i = skipSpace(sql, close + 1);
  }
  return sql.slice(i);
}
