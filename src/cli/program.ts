// Registers every command. Each command is a plain async function in src/cli/commands/ that tests
// call directly; this file only wires options to them.
import { Command } from 'commander';
import { migrateCommand } from './commands/migrate.js';
import { demoCommand } from './commands/demo.js';

/** The database path from --db, $HOLDFAST_DB, or ./holdfast.db. */
export function resolveDbPath(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return option ?? env.HOLDFAST_DB ?? './holdfast.db';
}

/** Builds the commander program with every holdfast command registered. */
export function buildProgram(): Command {
  const program = new Command('holdfast')
    .description('Authorization-hold lifecycle manager: capture or void every card hold before its window lapses, exactly once.')
    .option('--db <path>', 'SQLite database file (default: $HOLDFAST_DB or ./holdfast.db)')
    .option('--json', 'machine-readable JSON on stdout')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .command('migrate')
    .description('create the database if needed and bring its schema up to date')
    .action(async () => {
      const { db, json } = program.opts<{ db?: string; json?: boolean }>();
      const result = await migrateCommand({ db: resolveDbPath(db) });
      process.stdout.write(json ? `${JSON.stringify(result)}\n` : `database ${result.database} is at schema ${result.schema}\n`);
    });

  program
    .command('demo')
    .description('show the lifecycle of a few holds on a throwaway database')
    .action(async () => {
      await demoCommand();
    });

  return program;
}
