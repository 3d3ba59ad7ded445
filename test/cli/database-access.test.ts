// Only `migrate` (and authorize/track with --create-db) may create a database; every other command
// refuses a missing one with a clear message, and reading commands create and migrate nothing — a
// mistyped --db is reported instead of becoming an empty database a daemon sweeps as "healthy".
import { LATEST_MIGRATION } from '../../db/migrate.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { tempDir } from '../helpers/harness.js';
import { DIALECTS } from '../helpers/dialects.js';
import { typedError } from '../helpers/typed-error.js';
import { openCliHoldfast } from '../../src/cli/open-cli-holdfast.js';
import { migrateCommand } from '../../src/cli/commands/migrate.js';

const env = { HOLDFAST_FAKE_GATEWAY: '1' };

describe('a SQLite path that does not exist', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it('is refused by reading and writing commands, and not created', async () => {
    const db = join(dir.dir, 'typo.db');
    for (const access of ['read', 'write'] as const) {
      const error = await typedError(openCliHoldfast({ db, env, access, gateways: false }));
      expect(error.code).toBe('DATABASE_NOT_FOUND');
      expect(error.message).toContain('holdfast migrate');
    }
    expect(existsSync(db)).toBe(false);
  });

  it('is created by migrate, and by a command that creates holds when told to', async () => {
    const migrated = join(dir.dir, 'migrated.db');
    expect(await migrateCommand({ db: migrated, env })).toEqual({ database: migrated, schema: LATEST_MIGRATION });
    const created = join(dir.dir, 'created.db');
    const session = await openCliHoldfast({ db: created, env, access: 'create' });
    await session.close();
    expect(existsSync(created)).toBe(true);
    // Once it exists, reading works.
    const reading = await openCliHoldfast({ db: migrated, env, access: 'read', gateways: false });
    expect((await reading.hf.list()).holds).toEqual([]);
    await reading.close();
  });
});

const postgres = DIALECTS.find((d) => d.name === 'postgres')!;
describe.skipIf(postgres.skipReason !== null)('a PostgreSQL database without holdfast tables', () => {
  it('is refused by a reading command, which creates no table; a writing command migrates it', async () => {
    const created = await postgres.create();
    try {
      const error = await typedError(openCliHoldfast({ db: created.database, env, access: 'read', gateways: false }));
      expect(error.code).toBe('DATABASE_NOT_INITIALIZED');
      const client = new pg.Client({ connectionString: created.database });
      await client.connect();
      try {
        const { rows } = await client.query("select count(*)::int as n from information_schema.tables where table_schema = 'public'");
        expect(rows[0].n).toBe(0);
      } finally {
        await client.end();
      }
      const session = await openCliHoldfast({ db: created.database, env, access: 'write', gateways: false });
      expect((await session.hf.list()).holds).toEqual([]);
      await session.close();
    } finally {
      await created.drop();
    }
  });
});
