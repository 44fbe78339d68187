/**
 * TabSeparated lines written into one growing buffer as they are built (the bulk writers' insert bodies). A line
 * kept in an array until its batch is joined is a rope of a dozen pieces that every young-generation collection
 * copies again, and the joined body is then copied once more into a Buffer for the engine; written here, each
 * line dies as soon as it is written (issue 16).
 */
export class LineBuffer {
  private buf: Buffer;
  private used = 0;
  /** Lines written. */
  rows = 0;

  constructor(initialBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Appends a line (without its newline) and a newline. */
  push(line: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    const worst = this.used + line.length * 3 + 1;
    if (worst > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(worst, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, this.used);
      this.buf = grown;
    }
    this.used += this.buf.write(line, this.used, 'utf8');
    this.buf[this.used++] = 10;
    this.rows++;
  }

  /** The lines written, each ending in a newline (a view: valid until the next `push`). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.used);
  }
}
