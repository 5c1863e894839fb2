// Protobuf wire writer: one growable buffer; a nested message reserves one length byte and
// moves its payload right in the rare case the length needs more (payload >= 128 bytes).
// Output is canonical protobuf (shortest varints, proto3 defaults omitted by the encoders).
import { WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './reader.js';

export class Writer {
  buf: Buffer;
  pos = 0;

  constructor(initialSize = 1024) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Unsigned varint of a non-negative safe integer. */
  varint(v: number): void {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (v >= 0x80) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v = v >= 0x100000000 ? Math.floor(v / 128) : v >>> 7;
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  /** 64-bit varint; negative values are written as their two's complement (int64 rule). */
  varint64(v: bigint): void {
    let u = BigInt.asUintN(64, v);
    this.ensure(10);
    if (u < 0x20000000000000n) {
      this.varint(Number(u));
      return;
    }
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
  }

  /** int32 on the wire: negatives are sign-extended to 10 bytes. */
  int32(v: number): void {
    if (v >= 0) this.varint(v);
    else this.varint64(BigInt(v));
  }

  sint32(v: number): void {
    this.varint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  fixed32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  fixed64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.pos);
    this.pos += 8;
  }

  sfixed64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt.asIntN(64, v), this.pos);
    this.pos += 8;
  }

  double(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /** Starts a length-delimited payload; pass the returned mark to `ldelim`. */
  fork(): number {
    this.ensure(1);
    return this.pos++;
  }

  ldelim(mark: number): void {
    const len = this.pos - mark - 1;
    if (len < 0x80) {
      this.buf[mark] = len;
      return;
    }
    let extra = 0;
    for (let n = len; n >= 0x80; n = Math.floor(n / 128)) extra++;
    this.ensure(extra);
    this.buf.copyWithin(mark + 1 + extra, mark + 1, this.pos);
    let pos = mark;
    let n = len;
    while (n >= 0x80) {
      this.buf[pos++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[pos] = n;
    this.pos += extra;
  }

  string(s: string): void {
    // A UTF-16 unit encodes to at most 3 UTF-8 bytes.
    this.ensure(s.length * 3 + 10);
    if (s.length < 43) {
      const mark = this.pos++;
      const n = this.buf.write(s, this.pos, 'utf8');
      this.pos += n;
      this.ldelim(mark);
    } else {
      const n = Buffer.byteLength(s, 'utf8');
      this.varint(n);
      this.buf.write(s, this.pos, 'utf8');
      this.pos += n;
    }
  }

  bytes(b: Uint8Array): void {
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Raw bytes, already encoded. */
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** The encoded bytes (a copy sized to fit). */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  // Field helpers that skip proto3 defaults.
  stringField(field: number, v: string): void {
    if (v.length > 0) { this.tag(field, WIRE_LEN); this.string(v); }
  }
  bytesField(field: number, v: Uint8Array): void {
    if (v.length > 0) { this.tag(field, WIRE_LEN); this.bytes(v); }
  }
  uint32Field(field: number, v: number): void {
    if (v !== 0) { this.tag(field, WIRE_VARINT); this.varint(v >>> 0); }
  }
  int32Field(field: number, v: number): void {
    if (v !== 0) { this.tag(field, WIRE_VARINT); this.int32(v); }
  }
  fixed32Field(field: number, v: number): void {
    if (v !== 0) { this.tag(field, WIRE_I32); this.fixed32(v); }
  }
  fixed64Field(field: number, v: bigint): void {
    if (v !== 0n) { this.tag(field, WIRE_I64); this.fixed64(v); }
  }
  doubleField(field: number, v: number): void {
    // -0 is not the default (its bits differ), so it is written.
    if (v !== 0 || Object.is(v, -0)) { this.tag(field, WIRE_I64); this.double(v); }
  }
}
