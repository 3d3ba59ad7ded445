// One statement of an atomic write, as both engines' writers take it.
import type { Compilable, CompiledQuery } from 'kysely';

/** One statement of an atomic write; a guarded one must change exactly one row or the write is abandoned. */
export interface WriteStep {
  /** A Kysely query, or one already compiled (a prepared statement, db/prepared.ts). */
  query: Compilable | CompiledQuery;
  guard?: boolean;
}

/** The compiled form of a step's query. */
export function compiled(query: Compilable | CompiledQuery): CompiledQuery {
  return 'compile' in query ? query.compile() : query;
}
