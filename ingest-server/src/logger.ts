import { pino, type Logger } from 'pino';
import { PERSONAL_DATA_PATHS } from '@tongban/shared';

/** The one logger (STYLE.md habit 7): personal data is redacted wherever it appears in a logged object. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: [...PERSONAL_DATA_PATHS, 'req.headers.authorization'], censor: '[masked]' },
  });
}
