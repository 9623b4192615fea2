/**
 * Offsets (minutes east of UTC) of the zone abbreviations servers write after a time
 * (PostgreSQL's `%m`/`%t`, `date`): only those that mean one offset. Ambiguous ones
 * (`IST`, `CST` in China) and unknown ones are not here: the caller falls back to the file's zone.
 */
const OFFSETS: Record<string, number> = {
  UTC: 0, GMT: 0, Z: 0, UT: 0, WET: 0, WEST: 60, BST: 60, CET: 60, CEST: 120, MET: 60, MEST: 120,
  EET: 120, EEST: 180, MSK: 180, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360,
  PST: -480, PDT: -420, AKST: -540, AKDT: -480, HST: -600, JST: 540, KST: 540, HKT: 480, SGT: 480,
  AWST: 480, ACST: 570, ACDT: 630, AEST: 600, AEDT: 660, NZST: 720, NZDT: 780,
};

/**
 * The offset in minutes of a zone written as an abbreviation (`UTC`, `EDT`) or numerically
 * (`+03`, `-0430`, `+05:30`), or undefined when it is neither.
 */
export function zoneOffsetMinutes(text: string): number | undefined {
  const known = OFFSETS[text];
  if (known !== undefined) return known;
  const m = /^([+-])(\d{2})(?::?(\d{2}))?$/.exec(text);
  if (m === null) return undefined;
  const v = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -v : v;
}
