/**
 * Maps byte offsets of the text fed to csv-parse to physical line numbers.
 *
 * Why not csv-parse's `info.lines`: it is the line where a record ENDS, and it counts a CRLF inside
 * a quoted field as two lines (each of CR and LF bumps it). R24 wants the line where the record
 * STARTS, counted the way an editor shows it. So we note every line break as the bytes go in
 * (CRLF, LF and CR each count once) and, as records come out, count the breaks before the record's
 * first byte, which is csv-parse's `info.bytes` of the record before it.
 *
 * Memory stays flat: breaks are dropped once a record starting after them has been seen, so the
 * queues only hold breaks still inside csv-parse's buffers.
 */
export class LineTracker {
  // Two sorted queues (CRs; LFs not part of a CRLF), so each is filled by a native indexOf scan:
  // a byte-by-byte loop here cost as much as the decoding.
  private readonly crs = new OffsetQueue();
  private readonly lfs = new OffsetQueue();
  private fedBytes = 0;
  private lastWasCr = false;

  /** Call with each chunk, in order, before csv-parse sees it. */
  feed(chunk: Buffer): void {
    for (let p = chunk.indexOf(0x0d); p !== -1; p = chunk.indexOf(0x0d, p + 1)) this.crs.push(this.fedBytes + p);
    for (let p = chunk.indexOf(0x0a); p !== -1; p = chunk.indexOf(0x0a, p + 1)) {
      // The LF of a CRLF (even split across two chunks) belongs to the break its CR noted.
      const afterCr = p === 0 ? this.lastWasCr : chunk[p - 1] === 0x0d;
      if (!afterCr) this.lfs.push(this.fedBytes + p);
    }
    if (chunk.length > 0) this.lastWasCr = chunk[chunk.length - 1] === 0x0d;
    this.fedBytes += chunk.length;
  }

  /** The 1-based line holding byte `offset`. Offsets must not go backwards between calls. */
  lineAt(offset: number): number {
    return this.crs.countBefore(offset) + this.lfs.countBefore(offset) + 1;
  }
}

/** Ascending offsets, consumed from the front; counts how many were ever consumed. */
class OffsetQueue {
  private items: number[] = [];
  private head = 0;
  private consumed = 0;

  push(offset: number): void {
    this.items.push(offset);
  }

  countBefore(offset: number): number {
    while (this.head < this.items.length && this.items[this.head]! < offset) {
      this.head++;
      this.consumed++;
    }
    // Compact now and then so the array does not grow with the file.
    if (this.head > 4096) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return this.consumed;
  }
}
