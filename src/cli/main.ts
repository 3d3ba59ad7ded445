#!/usr/bin/env node
// The `holdfast` command line: the only place that turns errors into exit codes and messages.
import { buildProgram } from './program.js';
import { reportAndExit } from './exit.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => reportAndExit(error));
