import { z } from 'zod';
import { LEVELS } from './level.js';

/**
 * The log record, mirroring `schema/log_schema.json` (a test keeps the two in step).
 * This is the shape of a row of the `logs` view as logscope returns it.
 */
export const LogRecordSchema = z
  .object({
    ts: z.iso.datetime({ offset: true }),
    host: z.string().nullable().optional(),
    service: z.string().nullable().optional(),
    pid: z.number().int().nullable().optional(),
    level: z.enum(LEVELS).nullable(),
    level_raw: z.string().nullable().optional(),
    message: z.string().nullable(),
    attrs: z.record(z.string(), z.unknown()).nullable().optional(),
    source: z.string(),
    line: z.number().int().min(1),
    format: z.string(),
    template_id: z.number().int().nullable().optional(),
  })
  .strict();

export type LogRecord = z.infer<typeof LogRecordSchema>;

export { LOG_COLUMNS, UNPARSED_COLUMNS } from './columns.js';
