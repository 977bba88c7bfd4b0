import { logger } from '../../functions/shared/observability/logger';

export interface CapturedLogs {
  /** Every JSON line the logger wrote, parsed. */
  lines(): Record<string, unknown>[];
  /** Everything written, as one string, to scan for what must never appear. */
  text(): string;
  restore(): void;
}

/**
 * Captures what the service's logger writes (it writes JSON lines to stdout and stderr through a
 * console of its own) at every level, for tests that assert on logs.
 */
export function captureLogs(): CapturedLogs {
  const written: string[] = [];
  const record = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(record);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(record);
  const level = logger.getLevelName();
  logger.setLogLevel('DEBUG');
  return {
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => written.join(''),
    restore: () => {
      logger.setLogLevel(level);
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
}
