/**
 * Benchmark registry: each entry runs one hot path and prints its figures through `print`.
 * Bench modules live beside the code they measure (src/<room>/*.bench.ts).
 */
export interface Benchmark {
  readonly name: string;
  readonly title: string;
  run(print: (line: string) => void): Promise<void>;
}

export const benchmarks: Benchmark[] = [
];
