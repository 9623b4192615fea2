/**
 * Splits an access-log line into its space-separated fields, a `"..."` field (with `\"`
 * escapes) or a `[...]` field as one field without its quotes or brackets. Returns undefined
 * for an unclosed quote or bracket, or a quoted field not followed by a space or the end.
 * For the AWS access logs (ELB, ALB, S3), where a field count decides the shape.
 */
export function splitQuotedFields(line: string): string[] | undefined {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    if (line.charCodeAt(i) === 32) {
      i++;
      continue;
    }
    const c = line.charCodeAt(i);
    if (c === 34 || c === 91) {
      const close = c === 34 ? '"' : ']';
      let j = i + 1;
      let escaped = false;
      while (j < n && line[j] !== close) {
        if (c === 34 && line.charCodeAt(j) === 92) {
          escaped = true;
          j++;
        }
        j++;
      }
      if (j >= n) return undefined;
      const raw = line.slice(i + 1, j);
      out.push(escaped ? raw.replace(/\\(.)/g, '$1') : raw);
      i = j + 1;
      if (i < n && line.charCodeAt(i) !== 32) return undefined;
      continue;
    }
    let j = i;
    while (j < n && line.charCodeAt(j) !== 32) j++;
    out.push(line.slice(i, j));
    i = j;
  }
  return out;
}

/** Level of an HTTP status as access logs give it: 5xx ERROR, 4xx WARN, other INFO; undefined without one. */
export function levelOfStatus(status: string | undefined): string | undefined {
  if (status === undefined || !/^\d{3}$/.test(status)) return undefined;
  return status[0] === '5' ? 'ERROR' : status[0] === '4' ? 'WARN' : 'INFO';
}
