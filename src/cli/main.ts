#!/usr/bin/env node
// The `holdfast` command line: the only place that turns errors into exit codes and messages.
import { buildProgram } from './program.js';
import { reportAndExit } from './exit.js';

// Read from argv, not from commander, so that errors commander raises while parsing (an unknown
// option, a missing argument) are reported as JSON too.
const args = process.argv.slice(2);
const end = args.indexOf('--');
const json = (end === -1 ? args : args.slice(0, end)).includes('--json');

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => reportAndExit(error, { json }));
