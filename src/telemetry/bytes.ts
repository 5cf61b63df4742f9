interface Unit {
  name: string;
  size: number;
  /** Decimals shown: `9.5 MiB`, and a whole number without `.0` (`10 MiB`). */
  decimals: 0 | 1;
}

/**
 * Units of 1024, as the limits printed with them are set (10 MiB is 10 x 1024 x 1024 bytes), smallest first, named
 * as units of 1024 are (IEC: KiB, MiB): `MB` is 1,000,000 bytes where the issues, docs and bench print sizes.
 */
const UNITS: readonly Unit[] = [
  { name: "bytes", size: 1, decimals: 0 },
  { name: "KiB", size: 1024, decimals: 0 },
  { name: "MiB", size: 1024 ** 2, decimals: 1 },
  { name: "GiB", size: 1024 ** 3, decimals: 1 },
  { name: "TiB", size: 1024 ** 4, decimals: 1 },
];

/** `n` in `unit`, rounded half up to its decimals; exact, the sizes being powers of two (for `n` below 2^49). */
function inUnit(n: number, unit: Unit): number {
  const scale = 10 ** unit.decimals;
  return Math.round((n * scale) / unit.size) / scale;
}

/**
 * A byte count as people read it in messages and summaries (`64 KiB`, `9.5 MiB`): in the largest unit it holds one
 * of, or the next one up when rounding makes it 1024 of its own (1,048,575 bytes read `1 MiB`, never `1024 KiB`).
 */
export function formatBytes(n: number): string {
  let at = 0;
  while (at < UNITS.length - 1 && n >= (UNITS[at + 1] as Unit).size) at++;
  if (at < UNITS.length - 1 && inUnit(n, UNITS[at] as Unit) >= 1024) at++;
  const unit = UNITS[at] as Unit;
  return n === 1 ? "1 byte" : `${inUnit(n, unit)} ${unit.name}`;
}
