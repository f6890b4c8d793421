/**
 * Inside the program everything is SI: seconds, bytes, FLOP, FLOP/s, bytes/s, watts, dollars.
 * Files carry human units in their key names (`hbmBandwidthTBps`, `rttMs`); these factors convert
 * them once, at the edge. Code names carry the unit as a suffix where a mix-up would be a bug
 * (`stepSeconds`, `kvBytesPerToken`).
 */
export const KB = 1e3;
export const MB = 1e6;
export const GB = 1e9;
export const TB = 1e12;
export const PB = 1e15;
export const TFLOPS = 1e12;
export const PFLOPS = 1e15;
export const MS = 1e-3;
export const US = 1e-6;
export const KW = 1e3;
export const GHZ = 1e9;
export const MBIT = 1e6 / 8; // bytes per second in one Mbit/s

/** Bytes as gigabytes for messages and tables: "141.1 GB". */
export function formatGB(bytes: number, digits = 1): string {
  return `${(bytes / GB).toFixed(digits)} GB`;
}
