import { LinkupNode } from '../../src/core/node'
import { tempDir } from '../helpers/net'
import { SHELL, expect, test } from './fixtures'

test.skip(SHELL === 'electron', 'arranges the gap through the in-process engines')

// A room whose history has a gap nobody online can fill says so, instead of looking
// complete; once a member who has the missing messages comes back, the notice goes.

test('a gap in the history is shown until a member who has it returns', async ({
  alice,
  bob,
  net,
}) => {
  const storage = await tempDir()
  const open = async () => {
    const n = new LinkupNode({
      storage,
      bootstrap: net.bootstrap,
      host: '127.0.0.1',
      defaultName: 'Writer',
    })
    await n.ready()
    return n
  }
  let writer = await open()
  try {
    const { key: room } = await writer.createRoom('gaps')
    await bob.onboard('Bob')
    await bob.joinRoom(room, 'gaps')
    await bob.waitForPeers(1)
    for (let i = 0; i < 60; i++) await writer.send(room, `m${i}`)
    await expect
      .poll(async () => (await bob.node.history(room, { limit: 100 })).length, { timeout: 20_000 })
      .toBe(60)
    // The writer leaves, and Bob's copy loses its oldest 20 blocks: nobody online has them.
    const writerKey = writer.memberKey(room)
    await writer.close()
    const core = (bob.node as any).rooms_.get(room).timeline.writers.get(writerKey).core
    await core.clear(0, 20)

    await alice.onboard('Alice')
    await alice.joinRoom(room, 'gaps')
    await alice.waitForPeers(1)
    const status = alice.page.getByTestId('sync-status')
    await expect(status).toHaveAttribute('data-state', 'gap', { timeout: 20_000 })
    await expect(status).toContainText('20 messages missing')
    await alice.page.screenshot({ path: test.info().outputPath('gap.png') })

    writer = await open()
    await expect(status).toHaveCount(0, { timeout: 30_000 })
    await expect.poll(async () => (await alice.node.history(room, { limit: 100 })).length).toBe(60)
  } finally {
    await writer.close()
  }
})
