import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { compileTimeLayout, createZone, utcZone } from '../../src/parse/index.js';

const ref = Date.UTC(2026, 10, 25, 12) * 1000;
const us = (iso: string) => Date.parse(iso) * 1000;

describe('timestamp layouts', () => {
  it('reads strftime-style layouts with offsets, month names, fractions and epochs', () => {
    expect(compileTimeLayout('%d/%b/%Y:%H:%M:%S %z')('10/Oct/2000:13:55:36 -0700', utcZone, ref)).toBe(us('2000-10-10T20:55:36Z'));
    expect(compileTimeLayout('%Y%m%d %H%M%S.%f')('20261125 103000.123456789', utcZone, ref)).toBe(us('2026-11-25T10:30:00.123Z') + 456);
    expect(compileTimeLayout('%F %T')('2026-07-15 10:00:00', createZone('Europe/Paris'), ref)).toBe(us('2026-07-15T08:00:00Z'));
    expect(compileTimeLayout('%s')('1764064800.5', utcZone, ref)).toBe(1764064800.5e6);
    expect(compileTimeLayout('%y/%m/%d %H:%M:%S')('17/06/09 20:10:40', utcZone, ref)).toBe(us('2017-06-09T20:10:40Z'));
  });

  it('infers a missing year from the reference time, a year back across New Year', () => {
    const jan2 = Date.UTC(2027, 0, 2) * 1000;
    expect(compileTimeLayout('%b %e %T')('Dec 31 23:59:59', utcZone, jan2)).toBe(us('2026-12-31T23:59:59Z'));
    expect(compileTimeLayout('%b %e %T')('Jan  1 00:00:01', utcZone, jan2)).toBe(us('2027-01-01T00:00:01Z'));
  });

  it('gives NaN for text that does not fit, and names a bad layout', () => {
    expect(compileTimeLayout('%F %T')('2026-13-01 10:00:00', utcZone, ref)).toBeNaN();
    expect(compileTimeLayout('%F %T')('yesterday', utcZone, ref)).toBeNaN();
    expect(() => compileTimeLayout('%Q')).toThrow(ConfigError);
    expect(() => compileTimeLayout('%Y-%m')).toThrow(/needs at least a day and an hour/);
  });
});
