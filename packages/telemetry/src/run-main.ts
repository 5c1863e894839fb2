/**
 * The life of a service process: build and start (fail fast, exit 1 with the reason), then run
 * until SIGTERM or SIGINT, then stop upstream first within a deadline (exit 0), or exit 1 if the
 * deadline passes. Errors after start are never allowed to kill the process silently: they are
 * logged, and the process keeps serving.
 */
export interface MainOptions {
  name: string;
  /** Build and start; returns the stop function. */
  start(): Promise<(deadlineMs: number) => Promise<void>>;
  shutdownDeadlineMs?: number;
  log?: (level: 'info' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export function runMain(options: MainOptions): void {
  const log = options.log ?? ((level, message, fields) => {
    const line = JSON.stringify({ level, service: options.name, msg: message, ...fields });
    if (level === 'error') process.stderr.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
  });
  const deadline = options.shutdownDeadlineMs ?? 15_000;
  let stop: ((deadlineMs: number) => Promise<void>) | null = null;
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('info', `${signal}: stopping`, {});
    const timer = setTimeout(() => {
      log('error', 'shutdown deadline passed', { deadlineMs: deadline });
      process.exit(1);
    }, deadline + 1000);
    timer.unref();
    (stop ? stop(deadline) : Promise.resolve()).then(
      () => process.exit(0),
      (err: unknown) => {
        log('error', 'shutdown failed', { err: (err as Error).message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('unhandledRejection', (err) => log('error', 'unhandled rejection', { err: String((err as Error)?.stack ?? err) }));
  options.start().then(
    (s) => {
      stop = s;
      if (stopping) void s(deadline).then(() => process.exit(0));
    },
    (err: unknown) => {
      log('error', `failed to start: ${(err as Error).message}`, {});
      process.exit(1);
    },
  );
}
