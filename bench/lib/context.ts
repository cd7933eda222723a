import type { Result } from './result'

// What the runner hands each benchmark: the size to run at, and a logger whose lines
// go to stderr so stdout keeps only the table.

export interface BenchContext {
  quick: boolean
  log(message: string): void
}

export interface Benchmark {
  name: string
  /** One line for the runner's listing and docs. */
  title: string
  run(ctx: BenchContext): Promise<Result[]>
}

/** Picks the full or reduced size. */
export function size<T>(ctx: BenchContext, full: T, quick: T): T {
  return ctx.quick ? quick : full
}

/** A 200-byte chat message, unique per index so each arrival can be matched. */
export function text200(i: number): string {
  const head = `message ${i}: `
  return head + 'lorem ipsum dolor sit amet '.repeat(8).slice(0, 200 - head.length)
}
