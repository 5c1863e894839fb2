// Protobuf wire reader (https://protobuf.dev/programming-guides/encoding/): varints, fixed
// 32/64-bit, length-delimited. Every read is bounds-checked and throws DecodeError, never
// reads past `end`, and never allocates except for strings, bytes and bigints.

/** The payload is not valid protobuf (or not valid OTLP/JSON). Permanent: maps to 400 / INVALID_ARGUMENT. */
export class DecodeError extends Error {
  readonly code = 'OTLP_DECODE';
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
// Wire types 3 and 4 (start/end group) are proto2 groups, which OTLP never uses.
export const WIRE_I32 = 5;

/** Nesting limit for AnyValue arrays/kvlists, so hostile input cannot exhaust the stack. */
export const MAX_DEPTH = 64;

export class Reader {
  readonly buf: Buffer;
  pos: number;
  end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
    this.end = end;
  }

  /** A varint truncated to its low 32 bits, as an unsigned number (proto uint32/enum/tag). */
  uint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= this.end) throw new DecodeError('truncated varint');
    let b = buf[pos++];
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let value = b & 0x7f;
    let shift = 7;
    for (;;) {
      if (pos >= this.end) throw new DecodeError('truncated varint');
      b = buf[pos++];
      if (shift < 32) value |= (b & 0x7f) << shift;
      if (b < 0x80) break;
      shift += 7;
      if (shift >= 70) throw new DecodeError('varint longer than 10 bytes');
    }
    this.pos = pos;
    return value >>> 0;
  }

  /** int32 on the wire is a sign-extended 64-bit varint: the low 32 bits, signed. */
  int32(): number {
    return this.uint32() | 0;
  }

  sint32(): number {
    const n = this.uint32();
    return (n >>> 1) ^ -(n & 1);
  }

  /** Full 64-bit varint as an unsigned bigint. */
  uint64(): bigint {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; ; i++) {
      if (i >= 10) throw new DecodeError('varint longer than 10 bytes');
      if (pos >= this.end) throw new DecodeError('truncated varint');
      const b = buf[pos++];
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      if (b < 0x80) break;
      shift += 7;
    }
    this.pos = pos;
    return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  }

  int64(): bigint {
    return BigInt.asIntN(64, this.uint64());
  }

  bool(): boolean {
    return this.uint32() !== 0 || false;
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) throw new DecodeError('truncated fixed32');
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.end) throw new DecodeError('truncated fixed64');
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  sfixed64(): bigint {
    if (this.pos + 8 > this.end) throw new DecodeError('truncated sfixed64');
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new DecodeError('truncated double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Reads a length prefix and returns the end offset of the delimited payload. */
  lenEnd(): number {
    const len = this.uint32();
    if (len > 0x7fffffff) throw new DecodeError('length too large');
    const end = this.pos + len;
    if (end > this.end) throw new DecodeError('truncated length-delimited field');
    return end;
  }

  string(): string {
    const end = this.lenEnd();
    const start = this.pos;
    this.pos = end;
    if (end === start) return '';
    return this.buf.toString('utf8', start, end);
  }

  /** A copy of a bytes field (ids are small; copying keeps the request buffer collectable). */
  bytes(): Uint8Array {
    const end = this.lenEnd();
    const out = new Uint8Array(end - this.pos);
    out.set(this.buf.subarray(this.pos, end));
    this.pos = end;
    return out;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.uint64Skip();
        return;
      case WIRE_I64:
        if (this.pos + 8 > this.end) throw new DecodeError('truncated fixed64');
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.lenEnd();
        return;
      case WIRE_I32:
        if (this.pos + 4 > this.end) throw new DecodeError('truncated fixed32');
        this.pos += 4;
        return;
      default:
        // Groups (3/4) are deprecated and never used by OTLP; 6/7 do not exist.
        throw new DecodeError(`unsupported wire type ${wireType}`);
    }
  }

  private uint64Skip(): void {
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new DecodeError('truncated varint');
      if (this.buf[this.pos++] < 0x80) return;
    }
    throw new DecodeError('varint longer than 10 bytes');
  }
}

/** Throws unless a known field arrived with the wire type its declaration implies. */
export function wrongWireType(field: string, got: number): never {
  throw new DecodeError(`field ${field}: unexpected wire type ${got}`);
}
