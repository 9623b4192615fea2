/**
 * The building blocks of the hand-made template labels (bench/reallog-labels.ts and the files
 * of its later halves): a rule is an anchored regex and the template it stands for.
 */

/** One labelling rule: a message that `re` matches (first rule wins) belongs to `template`. */
export interface LabelRule {
  re: RegExp;
  template: string;
}

/** The regex source of a template: its text literally, each `<*>` any run of characters (maybe none). */
export function templateSource(template: string): string {
  return template
    .split('<*>')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*?');
}

/** A rule whose regex is the template itself, anchored at both ends. */
export function t(template: string): LabelRule {
  return { re: new RegExp(`^${templateSource(template)}$`, 's'), template };
}

/**
 * Rules for messages that share a prefix (a logger name, a component): `prefix.re` is regex
 * source for the prefix, `prefix.template` its template text; each body is template text.
 */
export function under(prefix: { re: string; template: string }, bodies: readonly string[]): LabelRule[] {
  return bodies.map((body) => ({ re: new RegExp(`^${prefix.re}${templateSource(body)}$`, 's'), template: prefix.template + body }));
}
