// `holdfast list`: holds matching the filters, open ones first (soonest actBy first), then closed
// ones, a page at a time. The API pages by at most 1000; the CLI asks for as many pages as it needs.
import type { Holdfast } from '../../holds/holdfast.js';
import type { ListOptions } from '../../holds/api-types.js';
import type { Hold } from '../../holds/types.js';
import { ValidationError } from '../../errors.js';
import { parseDuration } from '../../time/parse-duration.js';
import { parsePositiveInteger, parseState } from '../parse-args.js';

/** Holds per page without --limit or --all: a screenful an operator reads; the cursor gives the rest. */
export const DEFAULT_LIST_PAGE = 100;
// The API's largest page.
const API_PAGE = 1000;

export interface ListCommandOptions {
  state?: string | undefined;
  gateway?: string | undefined;
  order?: string | undefined;
  /** "36h", "2d": open holds whose actBy falls within this from now (or has passed). */
  expiringWithin?: string | undefined;
  /** Only open holds / only closed ones (default: open first, then closed). */
  open?: boolean | undefined;
  closed?: boolean | undefined;
  /** Holds on this page (default 100, no upper bound). */
  limit?: string | undefined;
  /** Every matching hold, however many. */
  all?: boolean | undefined;
  /** The nextCursor an earlier list printed, with the same filters. */
  cursor?: string | undefined;
}

export interface ListResult {
  holds: Hold[];
  /** Pass as --cursor for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Lists a page of holds (or all of them with `all`), open ones first by actBy, then closed ones. */
export async function listCommand(hf: Holdfast, options: ListCommandOptions = {}): Promise<ListResult> {
  if (options.open && options.closed) throw new ValidationError('INVALID_STATUS', '--open and --closed exclude each other; leave both out for open holds first, then closed ones');
  if (options.closed && options.expiringWithin !== undefined) throw new ValidationError('INVALID_STATUS', '--expiring-within lists open holds only; it does not go with --closed');
  if (options.all && options.limit !== undefined) throw new ValidationError('INVALID_LIMIT', '--all and --limit exclude each other');
  const filters: ListOptions = {
    ...(options.state !== undefined ? { state: parseState(options.state) } : {}),
    ...(options.gateway !== undefined ? { gateway: options.gateway } : {}),
    ...(options.order !== undefined ? { orderId: options.order } : {}),
    ...(options.expiringWithin !== undefined ? { expiringWithinMs: parseDuration(options.expiringWithin, '--expiring-within') } : {}),
    ...(options.open ? { status: 'open' as const } : options.closed ? { status: 'closed' as const } : {}),
  };
  const wanted = options.all ? Infinity : options.limit !== undefined ? parsePositiveInteger(options.limit, '--limit') : DEFAULT_LIST_PAGE;
  const holds: Hold[] = [];
  let cursor = options.cursor;
  do {
    // Each request asks for exactly what is still wanted, so its cursor is the page's end.
    const page = await hf.list({ ...filters, limit: Math.min(API_PAGE, wanted - holds.length), ...(cursor !== undefined ? { cursor } : {}) });
    holds.push(...page.holds);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && holds.length < wanted);
  return { holds, nextCursor: cursor ?? null };
}
