const started = performance.now();

/** A progress line on stderr, with the time since the bench started. */
export function progress(line: string): void {
  const seconds = ((performance.now() - started) / 1_000).toFixed(1).padStart(6);
  process.stderr.write(`[${seconds} s] ${line}\n`);
}

/** Reports `label done/total` about every tenth of the way. */
export function counter(label: string, total: number): (done: number) => void {
  const step = Math.max(1, Math.round(total / 10));
  return (done) => {
    if (done === total || done % step === 0) progress(`${label} ${done}/${total}`);
  };
}
