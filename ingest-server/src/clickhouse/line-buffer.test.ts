import { describe, expect, it } from 'vitest';
import { LineBuffer } from './line-buffer.ts';

describe('LineBuffer', () => {
  it('holds the lines joined by newlines, as UTF-8, across growth from a tiny start', () => {
    const b = new LineBuffer(4);
    const lines = ['c-1\t渝中区\t解放碑', '', 'a\\tb', '引号”‘'.repeat(50), 'x'.repeat(10_000), '😀 surrogate pair'];
    for (const l of lines) b.push(l);
    expect(b.rows).toBe(lines.length);
    expect(b.bytes().toString('utf8')).toBe(lines.join('\n') + '\n');
    expect(b.bytes().length).toBe(Buffer.byteLength(lines.join('\n') + '\n'));
  });

  it('is empty before any line', () => {
    const b = new LineBuffer();
    expect(b.rows).toBe(0);
    expect(b.bytes().length).toBe(0);
  });
});
