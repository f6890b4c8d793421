/** Number formats shared by console tables and reports. */
export { formatGB as gb } from '../domain/units.js';
export const ms = (seconds: number): string => (seconds >= 0.1 ? `${(seconds * 1e3).toFixed(0)} ms` : seconds >= 0.001 ? `${(seconds * 1e3).toFixed(2)} ms` : `${(seconds * 1e6).toFixed(1)} µs`);
export const int = (x: number): string => Math.round(x).toLocaleString('en-US');
export const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;
export function sig(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 10 ** digits) return int(x);
  return Number(x.toPrecision(digits)).toString();
}

/** A plain text table: columns right-aligned except the first. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The label on results of hardware that has no validation rows of its own. */
export function uncalibratedNote(hardwareId: string): string {
  return `${hardwareId} is uncalibrated: no published measurements of its own back its calibration, so its figures are estimates`;
}
