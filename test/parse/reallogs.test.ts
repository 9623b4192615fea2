import { describe, expect, it } from 'vitest';
import { measureRealLogs, PARSED_ENOUGH } from '../../bench/formats-reallogs.js';
import { HAVE_REALLOGS, REALLOGS } from '../datasets.js';

/**
 * The real-log dev files (../shared/datasets/reallogs-dev, see its README; never copied here):
 * how many of them the built-in formats, auto-detected, read to 95% or more. The floor is the
 * count reached; a change that loses a file fails here. `npm run bench:formats` prints the table.
 */
const FLOOR = 67;

describe.skipIf(!HAVE_REALLOGS)(`real-log dev files (${REALLOGS})`, () => {
  it(`has at least ${FLOOR} files with 95% or more of their lines parsed`, async () => {
    const rows = await measureRealLogs(REALLOGS);
    expect(rows.length).toBeGreaterThanOrEqual(69);
    const short = rows.filter((r) => r.share < PARSED_ENOUGH).map((r) => `${r.file}: ${r.detection.format} ${(r.share * 100).toFixed(1)}%`);
    expect(rows.length - short.length, `files under 95%:\n${short.join('\n')}`).toBeGreaterThanOrEqual(FLOOR);
  });
});

describe.skipIf(HAVE_REALLOGS)('real-log dev files', () => {
  it.skip(`skipped: no data set at ${REALLOGS} (set LOGSCOPE_REALLOGS)`, () => {});
});
