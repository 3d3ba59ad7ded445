// Statements compiled once and re-bound. Kysely builds and compiles a query on every call, which is
// a tenth of a sweep's CPU; the hot writes and the claim have a fixed shape, so each is compiled once
// per database with a marker in place of every value, and later calls only put values in order.
import type { CompiledQuery, Compilable, Kysely } from 'kysely';
import type { Database } from './schema.js';

/** A placeholder for a named value in a prepared statement. */
class Slot {
  constructor(readonly name: string) {}
}

type Binder<P extends string> = (name: P) => never;

/** A statement compiled once; `bind` puts the values in and returns the query ready to run. */
export interface Prepared<P extends string> {
  bind(values: Readonly<Record<P, unknown>>): CompiledQuery;
}

/**
 * Prepares the statement `build` describes. `build` receives `slot(name)`, to be used wherever a value
 * goes (Kysely passes it through as a parameter); compiled per database instance on first use.
 */
export function prepare<P extends string>(build: (db: Kysely<Database>, slot: Binder<P>) => Compilable): (db: Kysely<Database>) => Prepared<P> {
  const cache = new WeakMap<Kysely<Database>, Prepared<P>>();
  return (db) => {
    let prepared = cache.get(db);
    if (!prepared) {
      const compiled = build(db, ((name: P) => new Slot(name)) as Binder<P>).compile();
      const order = compiled.parameters.map((p) => (p instanceof Slot ? p.name : null));
      const constants = compiled.parameters;
      prepared = {
        bind(values) {
          const parameters = order.map((name, i) => (name === null ? constants[i] : (values as Record<string, unknown>)[name]));
          return { ...compiled, parameters };
        },
      };
      cache.set(db, prepared);
    }
    return prepared;
  };
}
