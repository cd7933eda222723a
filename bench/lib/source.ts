import { execFileSync } from 'node:child_process'

// Where a run's figures came from: the commit checked out and whether the working tree
// had changes on top of it (a dirty run measured code that no commit holds).

export interface Source {
  commit: string | null
  dirty: boolean | null
}

export function source(cwd: string): Source {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  try {
    const commit = git('rev-parse', 'HEAD').trim()
    // Results written by earlier runs are not the code being measured.
    const changes = git(
      'status',
      '--porcelain',
      '--',
      '.',
      ':!bench/results',
      ':!docs/bench-latest.svg',
    )
    return { commit, dirty: changes.trim().length > 0 }
  } catch {
    return { commit: null, dirty: null }
  }
}

/** "abc1234" or "abc1234 + uncommitted changes", for the docs and the terminal. */
export function describeSource(s: Source): string {
  if (!s.commit) return 'an unknown commit (not a git checkout)'
  return `commit ${s.commit.slice(0, 10)}${s.dirty ? ' + uncommitted changes' : ''}`
}
