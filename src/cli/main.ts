#!/usr/bin/env node
// The `holdfast` command line: the only place that turns errors into exit codes and messages.
import { runCli } from './run-cli.js';

// A failure exits at once (with its code); a success ends when the command's work is done.
void runCli(process.argv.slice(2)).then((code) => {
  if (code !== 0) process.exit(code);
});
