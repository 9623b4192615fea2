/**
 * Quoting for the few places where SQL text must carry a value that cannot be a
 * bound parameter (view definitions, ATTACH paths). Values from users never reach
 * SQL any other way than through bound parameters.
 */
export function quoteString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
