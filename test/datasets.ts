import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Loghub samples: $LOGSCOPE_DATASETS, default ../shared/datasets/loghub-2k beside the repo. */
export const DATASETS = path.resolve(REPO, process.env.LOGSCOPE_DATASETS ?? '../shared/datasets/loghub-2k');
export const HAVE_DATASETS = fs.existsSync(DATASETS);

/** The real-log files of many formats: $LOGSCOPE_REALLOGS, default ../shared/datasets/reallogs-dev beside the repo. */
export const REALLOGS = path.resolve(REPO, process.env.LOGSCOPE_REALLOGS ?? '../shared/datasets/reallogs-dev');
export const HAVE_REALLOGS = fs.existsSync(REALLOGS);
