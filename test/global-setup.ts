import { DATASETS, HAVE_DATASETS, HAVE_REALLOGS, REALLOGS } from './datasets.js';

/** Runs once per `vitest run`, in the main process: the one notice that dataset tests are skipped. */
export default function setup(): void {
  if (!HAVE_DATASETS) {
    process.stderr.write(`\n*** Loghub datasets not found at ${DATASETS}: the tests that read them are SKIPPED (set LOGSCOPE_DATASETS to run them) ***\n\n`);
  }
  if (!HAVE_REALLOGS) {
    process.stderr.write(`\n*** real-log dev files not found at ${REALLOGS}: the tests that read them are SKIPPED (set LOGSCOPE_REALLOGS to run them) ***\n\n`);
  }
}
