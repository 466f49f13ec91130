// Entry point of the toksmith command line: registers the subcommands and turns errors into
// exit codes. A known error prints one line on stderr; anything else is a bug and prints its
// stack with exit code 3.

import { Command, CommanderError } from 'commander';
import { ExitCode, ToksmithError } from '../errors.js';
import { TOKSMITH_VERSION } from '../version.js';
import { benchCommand } from './bench.js';
import { convertCommand } from './convert.js';
import { countCommand } from './count.js';
import { decodeCommand } from './decode.js';
import { demoCommand } from './demo.js';
import { encodeCommand } from './encode.js';
import { inspectCommand } from './inspect.js';
import { showCommand } from './show.js';
import { trainCommand } from './train.js';

function buildProgram(): Command {
  const program = new Command('toksmith')
    .description('Train, apply and compare text tokenizers.')
    .version(TOKSMITH_VERSION, '-V, --version', 'print the toksmith version')
    .helpOption('-h, --help', 'show help for a command')
    .addHelpText('after', '\nExit codes: 0 success, 1 bad input or data, 2 usage error, 3 internal error, 4 bench --fail-on threshold crossed.');
  for (const command of [trainCommand(), encodeCommand(), decodeCommand(), inspectCommand(), countCommand(), benchCommand(), showCommand(), convertCommand(), demoCommand()]) {
    program.addCommand(command);
  }
  // Every subcommand reports usage errors through the same handler with exit code 2.
  const exitOverride = (command: Command): void => {
    command.exitOverride();
    const helpCommand = command.parent === null ? 'toksmith --help' : `toksmith ${command.name()} --help`;
    command.configureOutput({ outputError: (text, write) => write(`toksmith: ${text.trimEnd().replace(/\.$/, '')}; see ${helpCommand}\n`) });
    command.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

function handleError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message; help and version end with code 0.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof ToksmithError) {
    // Control characters from a file's content (a binary file read as text) would break the one line.
    const line = error.toLine().replace(/[\x00-\x1f\x7f]/g, (control) => `\\x${control.charCodeAt(0).toString(16).padStart(2, '0')}`);
    process.stderr.write(`toksmith: error: ${line}\n`);
    return error.exitCode;
  }
  process.stderr.write(`toksmith: internal error (a bug; please report it with the command line):\n${(error as Error)?.stack ?? String(error)}\n`);
  return ExitCode.internal;
}

// A closed pipe on stdout (`toksmith encode big.txt | head`) ends the run quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(ExitCode.ok);
  throw error;
});

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  process.exitCode = handleError(error);
}
