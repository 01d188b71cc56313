// Progress for long runs: a bar with rate and ETA on a terminal, a line every few seconds otherwise (CI logs).
import cliProgress from 'cli-progress';

export interface Progress {
  /** a new job starts with `total` samples to do */
  job(label: string, total: number): void;
  tick(count?: number): void;
  log(line: string): void;
  stop(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, intervalMs = 10000): Progress {
  return stream.isTTY === true ? barProgress(stream) : lineProgress(stream, intervalMs);
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function barProgress(stream: NodeJS.WriteStream): Progress {
  const bar = new cliProgress.SingleBar(
    { stream, format: '{label} {bar} {value}/{total} | {rate}/s | ETA {eta_text}', hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  let started = 0;
  let done = 0;
  let total = 0;
  let active = false;
  const payload = (label?: string): Record<string, string> => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    return { ...(label === undefined ? {} : { label }), rate: rate.toFixed(1), eta_text: formatEta(rate > 0 ? (total - done) / rate : Infinity) };
  };
  return {
    job(label, n) {
      if (active) bar.stop();
      started = performance.now();
      done = 0;
      total = n;
      active = true;
      bar.start(n, 0, payload(label));
    },
    tick(count = 1) {
      done += count;
      bar.update(done, payload());
    },
    log(line) {
      if (active) bar.stop();
      stream.write(line + '\n');
      if (active) bar.start(total, done, payload());
    },
    stop() {
      if (active) bar.stop();
      active = false;
    },
  };
}

function lineProgress(stream: NodeJS.WriteStream, intervalMs: number): Progress {
  let label = '';
  let started = 0;
  let lastPrint = 0;
  let done = 0;
  let total = 0;
  const print = (): void => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    stream.write(`${label}: ${done}/${total} samples, ${rate.toFixed(1)}/s, ETA ${formatEta(rate > 0 ? (total - done) / rate : Infinity)}\n`);
    lastPrint = performance.now();
  };
  return {
    job(l, n) {
      label = l;
      total = n;
      done = 0;
      started = performance.now();
      lastPrint = started;
      stream.write(`${label}: ${n} samples\n`);
    },
    tick(count = 1) {
      done += count;
      if (done === total || performance.now() - lastPrint >= intervalMs) print();
    },
    log(line) {
      stream.write(line + '\n');
    },
    stop() {},
  };
}
