// `holdfast list`: holds matching the filters, soonest actBy first.
import type { Holdfast } from '../../holds/holdfast.js';
import type { Hold } from '../../holds/types.js';
import { parseDuration } from '../../time/parse-duration.js';
import { parsePositiveInteger, parseState } from '../parse-args.js';

export interface ListCommandOptions {
  state?: string | undefined;
  gateway?: string | undefined;
  order?: string | undefined;
  /** "36h", "2d": open holds whose actBy falls within this from now (or has passed). */
  expiringWithin?: string | undefined;
  /** Default 100, at most 1000. */
  limit?: string | undefined;
}

export interface ListResult {
  holds: Hold[];
  /** True when more holds match than the limit allowed. */
  truncated: boolean;
}

/** Lists holds, soonest actBy first. */
export async function listCommand(hf: Holdfast, options: ListCommandOptions = {}): Promise<ListResult> {
  const page = await hf.list({
    ...(options.state !== undefined ? { state: parseState(options.state) } : {}),
    ...(options.gateway !== undefined ? { gateway: options.gateway } : {}),
    ...(options.order !== undefined ? { orderId: options.order } : {}),
    ...(options.expiringWithin !== undefined ? { expiringWithinMs: parseDuration(options.expiringWithin, '--expiring-within') } : {}),
    ...(options.limit !== undefined ? { limit: parsePositiveInteger(options.limit, '--limit', 1000) } : {}),
  });
  return { holds: page.holds, truncated: page.nextCursor !== null };
}
