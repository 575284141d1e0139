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
 * queue only holds breaks still inside csv-parse's buffers.
 */
export class LineTracker {
  private breaks: number[] = [];
  private head = 0;
  private fedBytes = 0;
  private lastWasCr = false;
  private breaksBefore = 0;

  /** Call with each chunk, in order, before csv-parse sees it. */
  feed(chunk: Buffer): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 0x0d) {
        this.breaks.push(this.fedBytes + i);
        this.lastWasCr = true;
      } else {
        // The LF of a CRLF (even split across two chunks) belongs to the break already noted.
        if (b === 0x0a && !this.lastWasCr) this.breaks.push(this.fedBytes + i);
        this.lastWasCr = false;
      }
    }
    this.fedBytes += chunk.length;
  }

  /** The 1-based line holding byte `offset`. Offsets must not go backwards between calls. */
  lineAt(offset: number): number {
    while (this.head < this.breaks.length && this.breaks[this.head]! < offset) {
      this.head++;
      this.breaksBefore++;
    }
    // Compact now and then so the array does not grow with the file.
    if (this.head > 4096) {
      this.breaks = this.breaks.slice(this.head);
      this.head = 0;
    }
    return this.breaksBefore + 1;
  }
}
