/**
 * Help examples as a block that fits 80 columns: each command on its own line(s) with what it
 * does above it as a comment; a long command continues on the next line after " \". (yargs'
 * own example column wraps a long command mid-way, which cannot be copied into a shell.)
 */
export const HELP_COLUMNS = 80;

/** [what it does ('' for nothing), command, continuation lines…] */
export type Example = [string, string, ...string[]];

export function examplesText(list: Example[]): string {
  const lines = ['Examples:'];
  for (const [what, ...command] of list) {
    if (what) lines.push(`  # ${what}`);
    command.forEach((part, i) => lines.push(`${i === 0 ? '  ' : '      '}${part}${i < command.length - 1 ? ' \\' : ''}`));
  }
  return lines.join('\n');
}
