import { describe, expect, it } from 'vitest';
import { createLogger, maskLogLine } from './logger.ts';

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger('info', { write: (l: string) => void lines.push(l) }) };
}

describe('createLogger', () => {
  it("masks an applicant's fields by field in a logged event, and the note's free text", () => {
    const { lines, logger } = capture();
    logger.info({ event: { applicant: { type: 'person', name: '李晓梅', idNumber: '500118199003154327', phone: '13912345678' }, note: '电话139.1234.5678' } }, 'accepted');
    const entry = JSON.parse(lines[0]!) as { event: { applicant: Record<string, string>; note: string } };
    expect(entry.event.applicant).toEqual({ type: 'person', name: '李**', idNumber: '500***********4327', phone: '139****5678' });
    expect(entry.event.note).toBe('电话139.****.5678');
  });

  it('masks ID numbers and phones in messages and error texts, and the line stays JSON', () => {
    const { lines, logger } = capture();
    logger.warn({ err: new Error('unknown case for 500118 19900307 4321') }, 'source sent 138-1234-5678 in a case id');
    const raw = lines[0]!;
    expect(raw).not.toMatch(/1234-5678|19900307/);
    const entry = JSON.parse(raw) as { msg: string; err: { message: string } };
    expect(entry.msg).toBe('source sent 138-****-5678 in a case id');
    expect(entry.err.message).toBe('unknown case for 500*** ******** 4321');
  });

  it('hides the authorization header whole', () => {
    const { lines, logger } = capture();
    logger.info({ req: { headers: { authorization: 'Bearer s3cret-token' } } }, 'request');
    expect(lines[0]).not.toContain('s3cret');
  });
});

describe('maskLogLine', () => {
  it('leaves numbers outside strings and lines without digits alone', () => {
    expect(maskLogLine('{"time":1760000000000,"pid":12345,"msg":"ready"}')).toBe('{"time":1760000000000,"pid":12345,"msg":"ready"}');
  });
});
