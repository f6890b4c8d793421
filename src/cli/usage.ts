/** What the user reads when the command line is wrong (yargs' messages, rephrased) or wafersim fails. */
import { formatProblem, type InputProblem } from '../domain/errors.js';
import { didYouMean } from '../scenario/suggest.js';

const PATTERNS: [RegExp, (m: RegExpExecArray, flags: string[]) => InputProblem][] = [
  [/^Unknown arguments?: (.*)$/s, (m, flags) => ({ where: m[1].split(', ').filter((a) => !/[A-Z]/.test(a)).map((a) => (a.length > 1 ? `--${a}` : `-${a}`)).join(', '), expected: "a flag this command has (see its --help)", found: `no such flag${m[1].split(', ').filter((a) => !/[A-Z]/.test(a)).length > 1 ? '' : didYouMean(m[1], flags).replace(/"(.*)"/, '"--$1"')}` })],
  [/Invalid values:\s*Argument: (\S+), Given: (.*), Choices: (.*)$/s, (m) => ({ where: `--${m[1]}`, expected: `one of ${m[3].trim()}`, found: m[2].trim() })],
  [/^Missing required arguments?: (.*)$/s, (m) => ({ where: m[1].split(', ').map((a) => `--${a}`).join(', '), expected: 'a value (required)', found: 'nothing' })],
  [/^Not enough non-option arguments: got (\d+), need at least (\d+)$/s, (m) => ({ where: '(arguments)', expected: `at least ${m[2]} file or folder argument${m[2] === '1' ? '' : 's'} (the scenario)`, found: m[1] })],
  [/^Not enough arguments following: (\S+)$/s, (m) => ({ where: `--${m[1]}`, expected: 'a value after the flag', found: 'nothing' })],
];

export function usageProblem(message: string, flags: string[] = []): string {
  for (const [pattern, make] of PATTERNS) {
    const m = pattern.exec(message.trim());
    if (m) return formatProblem(make(m, flags));
  }
  return formatProblem({ where: '(command line)', expected: "arguments as 'wafersim --help' lists them", found: message.trim() });
}

/** A command that does not exist: the list, and the nearest name. */
export function unknownCommand(typed: string, names: string[]): string {
  return formatProblem({ where: typed, expected: `a command: ${names.join(', ')}`, found: `no such command${didYouMean(typed, names)}` });
}

/** An internal error: one line and where to report it; the stack trace only with --debug. */
export function internalErrorMessage(error: unknown, debug: boolean): string {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const hint = `This is a bug in wafersim: please report it with the command line and the files it read${debug ? '' : ' (run again with --debug for the stack trace)'}.`;
  const stack = debug && error instanceof Error && error.stack ? `${error.stack}\n` : '';
  return `wafersim: internal error: ${message}\n${hint}\n${stack}`;
}
