/**
 * A phase's share of the run's time: once it is spent, the phase stops at the next sample (after
 * its minimum), and the report says how many samples it took. On a machine other engineers are
 * loading, this is what keeps a run within its ten (or two) minutes.
 */
export class TimeLimit {
  private readonly ends: number;

  constructor(readonly seconds: number) {
    this.ends = performance.now() + seconds * 1_000;
  }

  get reached(): boolean {
    return performance.now() >= this.ends;
  }

  /** Whether to take sample number `taken` (counting from 0) of `wanted`, at least `minimum`. */
  more(taken: number, wanted: number, minimum: number): boolean {
    return taken < wanted && (taken < minimum || !this.reached);
  }
}
