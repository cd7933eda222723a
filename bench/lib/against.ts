import { execFile } from 'node:child_process'
import fs from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'

// `--against <git ref>`: before and after in the same run. The engine as it was at <ref>
// (its src/, shared code and dependencies) is unpacked into .tmp/bench-against/<commit>
// with `git archive` (nothing in the repository changes), and this checkout's bench/ and
// tests/helpers/ are copied over it, so both engines are measured by the same harness on
// the same machine minutes apart. When <ref> pinned other dependency versions (its
// package-lock.json differs), they are installed there with `npm ci`; otherwise this
// checkout's node_modules is linked.

const run = promisify(execFile)

export interface Against {
  ref: string
  commit: string
  /** The unpacked tree; its bench/<name>.ts runs the old engine. */
  dir: string
}

export async function prepareAgainst(root: string, ref: string): Promise<Against> {
  const git = async (...args: string[]) =>
    (await run('git', args, { cwd: root, maxBuffer: 1 << 30 })).stdout.trim()
  const commit = await git('rev-parse', '--verify', `${ref}^{commit}`)
  const dir = path.join(root, '.tmp', 'bench-against', commit.slice(0, 12))
  const marker = path.join(dir, '.unpacked')
  if (!(await exists(marker))) {
    await fs.rm(dir, { recursive: true, force: true })
    await fs.mkdir(dir, { recursive: true })
    const tar = path.join(path.dirname(dir), `${commit.slice(0, 12)}.tar`)
    await run('git', ['archive', '--format=tar', '-o', tar, commit], { cwd: root })
    await run('tar', ['-xf', tar, '-C', dir])
    await fs.rm(tar)
    await fs.writeFile(marker, commit)
  }
  // The harness is always this checkout's.
  for (const sub of ['bench', path.join('tests', 'helpers')]) {
    await fs.rm(path.join(dir, sub), { recursive: true, force: true })
    await fs.cp(path.join(root, sub), path.join(dir, sub), {
      recursive: true,
      filter: (src) => !src.includes(`${path.sep}results`),
    })
  }
  const sameLock =
    (await fs.readFile(path.join(root, 'package-lock.json'), 'utf8')) ===
    (await fs.readFile(path.join(dir, 'package-lock.json'), 'utf8'))
  const modules = path.join(dir, 'node_modules')
  const linked = await fs.lstat(modules).then(
    (s) => s.isSymbolicLink(),
    () => null,
  )
  if (sameLock && linked !== true) {
    await fs.rm(modules, { recursive: true, force: true })
    await fs.symlink(path.join(root, 'node_modules'), modules)
  } else if (!sameLock && linked !== false) {
    await fs.rm(modules, { recursive: true, force: true })
    await run('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: dir,
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
      maxBuffer: 1 << 26,
    })
  }
  return { ref, commit, dir }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  )
}
