import { LinkupNode } from '../../src/core/node'
import { encodeBlock, HLC_SHIFT } from '../../src/shared/entries'
import { fingerprint } from '../../src/shared/roomkey'
import { tempDir } from '../helpers/net'
import { SHELL, expect, sharedRoom, test } from './fixtures'

test.skip(SHELL === 'electron', 'brings in a third member through the in-process engine')

// What the engine finds about a hostile member reaches the reader: a copied name is marked
// with the fingerprint of the member who had it first, and a back-dated entry says so.

test('a copied name is marked in the member list; a back-dated entry shows “arrived late”', async ({
  alice,
  bob,
  net,
}) => {
  const room = await sharedRoom(alice, bob)
  const mallory = new LinkupNode({
    storage: await tempDir(),
    bootstrap: net.bootstrap,
    host: '127.0.0.1',
    defaultName: 'Bob',
  })
  await mallory.ready()
  try {
    // Alice has been in the room for three days; Mallory's core starts two days back.
    ;(alice.node as any).rooms_.get(room).state.joined = Date.now() - 3 * 24 * 3600_000
    const core = mallory.store.get({
      keyPair: mallory.identity.writerKeyPair(Buffer.from(room, 'hex')),
    })
    await core.ready()
    const h = (Date.now() - 2 * 24 * 3600_000) * HLC_SHIFT
    await core.append(
      Buffer.from(encodeBlock('Bob', -1, [{ t: 'text', h, text: 'from long ago' }])),
    )
    await core.close()
    await mallory.joinRoom(room)

    const bobPrint = fingerprint(bob.node.memberKey(room))
    const notes = alice.page.getByTestId('member-notes')
    await expect(notes).toContainText(`same name as ${bobPrint}`, { timeout: 20_000 })
    await expect(alice.page.getByTestId('arrived-late')).toContainText('Arrived late')
    await alice.page.screenshot({ path: test.info().outputPath('lookalike.png') })
  } finally {
    await mallory.close()
  }
})
