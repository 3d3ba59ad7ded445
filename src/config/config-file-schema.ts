// The shape of holdfast.config.json. Every key is optional; unknown keys are refused so that a typo
// ("leadtime") fails loudly instead of silently keeping a default.
import { validate as isCronExpression } from 'node-cron';
import { z } from 'zod';
import { parseDuration } from '../time/parse-duration.js';

/** A duration as a string ("7d", "36h") or a whole number of milliseconds; parsed to ms. */
const duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return value;
    ctx.addIssue({ code: 'custom', message: `invalid duration ${value}: milliseconds must be a whole number ≥ 0` });
    return z.NEVER;
  }
  try {
    return parseDuration(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const cardWindows = z.strictObject({ credit: duration.optional(), debit: duration.optional() });

/** holdfast.config.json, validated; durations come out as milliseconds. */
export const ConfigFileSchema = z.strictObject({
  /** A SQLite file path or a postgres:// URL. */
  database: z.string().min(1).optional(),
  /** Authorization windows per gateway and card type; only ever shorter than the documented ones. */
  windows: z.record(z.string().min(1), cardWindows).optional(),
  /** How long before expiresAt holdfast acts (actBy = expiresAt − leadTime). */
  leadTime: duration.optional(),
  sweep: z
    .strictObject({
      schedule: z.string().refine((text) => isCronExpression(text), 'is not a valid cron expression').optional(),
      concurrency: z.number().int().min(1).max(64).optional(),
    })
    .optional(),
  webhook: z.strictObject({ url: z.url({ protocol: /^https?$/ }).optional(), expiringSoon: duration.optional(), retention: duration.optional() }).optional(),
});

/** The parsed contents of holdfast.config.json. */
export type ConfigFile = z.infer<typeof ConfigFileSchema>;
