// OTLP timestamps are uint64 nanoseconds since the Unix epoch (fixed64 in the protobuf, a decimal
// string in OTLP/JSON). A double holds them to within 256 ns at today's epoch, far below the
// millisecond resolution of the series, so they are converted to numbers once at the edge.

export type UnixNano = bigint | string | number;

/** Nanoseconds since the epoch as a number (NaN when missing or unparsable). */
export function nanosToNumber(t: UnixNano | undefined | null): number {
  if (typeof t === 'number') return t;
  if (typeof t === 'bigint') return Number(t);
  if (typeof t === 'string' && t.length > 0) return Number(t);
  return NaN;
}

/** Nanoseconds since the epoch → milliseconds since the epoch (fractional). */
export function nanosToMs(t: UnixNano | undefined | null): number {
  return nanosToNumber(t) / 1e6;
}
