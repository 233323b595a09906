/** One benchmark measurement, compared with a reference measured in the same run. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** the reference, same unit, measured in the same process and run */
  baseline: number;
  /** value / baseline */
  ratio: number;
  /** human-readable target, e.g. "≤ 3× bare" */
  target?: string;
  /** undefined when the result only informs */
  pass?: boolean;
}

/** What every `*.bench.ts` exports. */
export type BenchModule = { run(): Promise<BenchResult[]> };

/** value / baseline, with 0 / 0 read as 1 (both nothing) and x / 0 as Infinity. */
export function ratioOf(value: number, baseline: number): number {
  if (baseline !== 0) return value / baseline;
  return value === 0 ? 1 : Number.POSITIVE_INFINITY;
}
