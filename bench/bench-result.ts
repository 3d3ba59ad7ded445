// What each benchmark hands back to the runner, and the goal check it is judged by.

/** A goal: the measured figure compared with a target. */
export interface Goal {
  /** The figure the goal is about, as named in `figures`. */
  metric: string;
  op: '>=' | '<=';
  target: number;
  unit: string;
}

/** One benchmark's outcome, as written to bench/results.json. */
export interface BenchResult {
  id: string;
  title: string;
  /** What was run, with which settings (sizes, concurrency, gateway). */
  setup: string;
  /** Every measured figure, by name. */
  figures: Record<string, number>;
  goal: Goal;
  measured: number;
  pass: boolean;
  /** Rows of the benchmark's own table (header first), as printed. */
  table: string[][];
  notes?: string[];
}

/** Judges `measured` against `goal`. */
export function meets(goal: Goal, measured: number): boolean {
  return goal.op === '>=' ? measured >= goal.target : measured <= goal.target;
}

/** Builds a result from its figures, judging the goal's metric. */
export function result(input: Omit<BenchResult, 'measured' | 'pass'>): BenchResult {
  const measured = input.figures[input.goal.metric];
  if (measured === undefined) throw new Error(`benchmark ${input.id} did not measure ${input.goal.metric}`);
  return { ...input, measured, pass: meets(input.goal, measured) };
}
