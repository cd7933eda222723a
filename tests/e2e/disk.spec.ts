import path from 'node:path'
import { MIN_FREE_BYTES } from '../../src/core/disk'
import { canMount, SmallDisk } from '../helpers/disk'
import { App, SHELL, expect, test } from './fixtures'

// The data folder on a small disk of its own (tmpfs, root only): when it fills up, the
// composer says so clearly and keeps the text; once space returns the same Enter sends.

test('a full disk shows a clear error, keeps the text and sends once space returns', async ({
  browser,
  net,
}) => {
  test.skip(
    !canMount || SHELL !== 'web',
    'needs root to mount a tmpfs, and the engine in this process',
  )
  const disk = SmallDisk.mount(160)
  const app = await App.launch(browser, net, path.join(disk.dir, 'data'))
  try {
    await app.onboard('Dana')
    await app.createRoom('tight')
    await app.send('kept')
    await expect(app.message('kept')).toBeVisible()

    disk.fill(MIN_FREE_BYTES / 4)
    await app.composer.fill('refused for now')
    await app.composer.press('Enter')
    const error = app.page.getByTestId('command-error')
    await expect(error).toContainText('Not enough disk space')
    await expect(error).toContainText('nothing already stored is lost')
    await expect(app.composer).toHaveValue('refused for now')
    await expect(app.message('kept')).toBeVisible()

    disk.empty()
    await app.composer.press('Enter')
    await expect(app.message('refused for now')).toBeVisible()
    await expect(error).toHaveCount(0)
    expect(app.errors).toEqual([])
  } finally {
    await app.close()
    disk.unmount()
  }
})
