// The searchable list of holds: the query string of /holds, validated, and one page of results.
import { HOLD_STATES, type HoldState } from '../../machines/hold.machine.js';
import type { Hold } from '../../machines/hold-types.js';
import { listHolds, sortPosition } from '../../db/holds.repository.js';
import { toHold } from '../../db/stored-hold.js';
import type { HoldEngine } from '../engine/hold-engine.js';
import { ValidationError } from '../errors.js';

/** Holds per page of the list. */
export const HOLD_LIST_PAGE = 50;

/** The list's query, as typed into its form (empty strings mean no filter). */
export interface HoldListQuery {
  q: string;
  state: string;
  gateway: string;
  order: string;
  cursor: string;
}

/** One page of the list. */
export interface HoldListPage {
  query: HoldListQuery;
  holds: Hold[];
  /** The cursor of the next page, or null on the last. */
  nextCursor: string | null;
}

/** The list's query from a URL's search parameters (at most 200 characters each). */
export function holdListQuery(params: URLSearchParams): HoldListQuery {
  const get = (name: string) => (params.get(name) ?? '').trim().slice(0, 200);
  return { q: get('q'), state: get('state'), gateway: get('gateway'), order: get('order'), cursor: get('cursor') };
}

/** Reads one page; a bad state or cursor is a ValidationError. */
export async function loadHoldList(engine: HoldEngine, query: HoldListQuery): Promise<HoldListPage> {
  if (query.state !== '' && !(HOLD_STATES as readonly string[]).includes(query.state)) {
    throw new ValidationError('INVALID_STATE', `unknown state ${JSON.stringify(query.state)} (states: ${HOLD_STATES.join(', ')})`);
  }
  const leadTimeMs = engine.policy.leadTimeMs;
  const rows = await listHolds(engine.store.db, {
    leadTimeMs,
    ...(query.state === '' ? {} : { states: [query.state as HoldState] }),
    ...(query.gateway === '' ? {} : { gateway: query.gateway }),
    ...(query.order === '' ? {} : { orderId: query.order }),
    ...(query.q === '' ? {} : { text: query.q }),
    ...(query.cursor === '' ? {} : { after: decodeCursor(query.cursor) }),
    limit: HOLD_LIST_PAGE + 1,
  });
  const shown = rows.slice(0, HOLD_LIST_PAGE);
  const last = shown.at(-1);
  return {
    query,
    holds: shown.map((stored) => toHold(stored, leadTimeMs)),
    nextCursor: rows.length > HOLD_LIST_PAGE && last ? encodeCursor(sortPosition(last, leadTimeMs)) : null,
  };
}

function encodeCursor({ actBy, id }: { actBy: number; id: string }): string {
  return Buffer.from(`${actBy}:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { actBy: number; id: string } {
  const match = /^(\d+):(hold_[0-9a-f]{20})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new ValidationError('INVALID_CURSOR', 'the cursor is not one this page made; start again from the first page');
  return { actBy: Number(match[1]), id: match[2]! };
}
