import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'

// `--against <git ref>`: before and after in the same run. The engine as it was at <ref>
// (its src/, shared code and dependencies) is unpacked into .tmp/bench-against/<commit>
// with `git archive` (nothing in the repository changes), and this checkout's bench/ and
// tests/helpers/ are copied over it, so both engines are measured by the same harness on
// the same machine minutes apart. When <ref> pinned other dependency versions (its
// package-lock.json differs), they are installed once per lock file with `npm ci` into
// .tmp/bench-against/modules-<hash of the lock> and linked; otherwise this checkout's
// node_modules is linked.

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
  const lock = await fs.readFile(path.join(dir, 'package-lock.json'))
  const sameLock = lock.equals(await fs.readFile(path.join(root, 'package-lock.json')))
  const modules = sameLock
    ? path.join(root, 'node_modules')
    : await installOnce(path.dirname(dir), lock, await fs.readFile(path.join(dir, 'package.json')))
  const link = path.join(dir, 'node_modules')
  await fs.rm(link, { recursive: true, force: true })
  await fs.symlink(modules, link)
  return { ref, commit, dir }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  )
}

/** node_modules for a lock file, installed once and kept for later runs. */
async function installOnce(base: string, lock: Buffer, pkg: Buffer): Promise<string> {
  const hash = createHash('sha256').update(lock).update(pkg).digest('hex').slice(0, 12)
  const home = path.join(base, `modules-${hash}`)
  const modules = path.join(home, 'node_modules')
  if (await exists(path.join(home, '.installed'))) return modules
  await fs.rm(home, { recursive: true, force: true })
  await fs.mkdir(home, { recursive: true })
  await fs.writeFile(path.join(home, 'package-lock.json'), lock)
  await fs.writeFile(path.join(home, 'package.json'), pkg)
  await run('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: home,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    maxBuffer: 1 << 26,
  })
  await fs.writeFile(path.join(home, '.installed'), '')
  return modules
}
