import { pino, type DestinationStream, type Logger } from 'pino';
import { censorPersonalData, maskFreeText, PERSONAL_DATA_PATHS } from '@tongban/shared';

// A JSON string literal of a serialized log line (pino escapes quotes and control characters).
const JSON_STRING = /"(?:[^"\\]|\\.)*"/g;

/**
 * Masks the personal data inside every string of a serialized log line (a message, an error's message and
 * stack, a logged note): ID numbers and phones whatever the separators. Numbers, keys and structure stay,
 * so the line is still JSON.
 */
export function maskLogLine(line: string): string {
  return /\d|[\uFF10-\uFF19]/.test(line) ? line.replace(JSON_STRING, (s) => maskFreeText(s)) : line;
}

/** A destination that masks each line (see maskLogLine) before it reaches `out` (stdout by default). */
export function maskingDestination(out: { write(line: string): unknown } = process.stdout): DestinationStream {
  return { write: (line: string) => void out.write(maskLogLine(line)) };
}

/**
 * The one logger (STYLE.md habit 7): the applicant's fields are masked by field wherever they appear in a
 * logged object (张*, 500***********1234, 138****5678), and any ID number or phone in the free text of a
 * line is masked on its way out to `out`.
 */
export function createLogger(level: string, out: { write(line: string): unknown } = process.stdout): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [...PERSONAL_DATA_PATHS, 'req.headers.authorization', 'req.headers.cookie'],
        censor: (value, path) => (path.at(-1) === 'authorization' || path.at(-1) === 'cookie' ? '[masked]' : censorPersonalData(value, path)),
      },
    },
    maskingDestination(out),
  );
}
