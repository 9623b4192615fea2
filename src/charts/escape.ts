/** Escapes text for SVG/HTML text and attribute values: `&`, `<`, `>`, `"`, `'`. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** A number as an SVG coordinate: two decimals at most, no exponent. */
export function coord(n: number): string {
  return String(Math.round(n * 100) / 100);
}
