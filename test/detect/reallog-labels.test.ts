import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { realLogMessages } from '../../bench/miner-eval.js';
import { labelMessages, REALLOG_CAP, REALLOG_HALF_A, REALLOG_HALF_B, REALLOG_HALF_C, REALLOG_HALF_D, REALLOG_HALF_E, REALLOG_LABELS } from '../../bench/reallog-labels.js';
import { HAVE_REALLOGS, REALLOGS } from '../datasets.js';

/**
 * The hand-made template labels of twenty-two real-log dev files in five halves (bench/reallog-labels.ts): every
 * message of each file's capped sample, as ingest parses it, is labelled by a rule, and no rule
 * is dead (a rule that matches nothing is a labelling mistake). `npm run bench:miner-reallog -- --check`
 * lists the offenders.
 */
const FILES = [...REALLOG_HALF_A, ...REALLOG_HALF_B, ...REALLOG_HALF_C, ...REALLOG_HALF_D, ...REALLOG_HALF_E];

describe.skipIf(!HAVE_REALLOGS)(`real-log template labels (${REALLOGS})`, () => {
  it('splits twenty-two distinct files into halves of four, four, six, four and four', () => {
    expect(REALLOG_HALF_A).toHaveLength(4);
    expect(REALLOG_HALF_B).toHaveLength(4);
    expect(REALLOG_HALF_C).toHaveLength(6);
    expect(REALLOG_HALF_D).toHaveLength(4);
    expect(REALLOG_HALF_E).toHaveLength(4);
    expect(new Set(FILES).size).toBe(22);
    expect(Object.keys(REALLOG_LABELS).sort()).toEqual([...FILES].sort());
  });

  for (const file of FILES) {
    it(`labels every capped message of ${file.split('/')[0]}/${file.split('/')[1].slice(0, 40)} and has no dead rule`, async () => {
      const messages = (await realLogMessages(path.join(REALLOGS, file))).slice(0, REALLOG_CAP);
      expect(messages.length).toBeGreaterThanOrEqual(150);
      const rules = REALLOG_LABELS[file];
      const { truths, unlabelled, ruleHits } = labelMessages(rules, messages);
      expect(unlabelled.map((i) => messages[i].slice(0, 200))).toEqual([]);
      expect(ruleHits.flatMap((n, k) => (n === 0 ? [rules[k].template] : []))).toEqual([]);
      // First match wins: each message carries the template of the first rule that matches it.
      messages.forEach((m, i) => expect(truths[i]).toBe(rules.find((r) => r.re.test(m))?.template));
    });
  }
});

describe.skipIf(HAVE_REALLOGS)('real-log template labels', () => {
  it.skip(`skipped: no data set at ${REALLOGS} (set LOGSCOPE_REALLOGS)`, () => {});
});
