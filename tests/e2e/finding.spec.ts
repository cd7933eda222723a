import { expect, test } from './fixtures'

// A room with nobody in it says so in its header, and what the engine is trying: looking
// the room up on the DHT, and how long ago the last lookup started. Once a member
// connects the notice goes and the peer count shows them.

test('an empty room says it is looking for members until one connects', async ({ alice, bob }) => {
  await alice.onboard('Alice')
  const key = await alice.createRoom('quiet')
  const finding = alice.page.getByTestId('room-finding')
  await expect(finding).toBeVisible()
  await expect(finding).toHaveAttribute('role', 'status')
  await expect(finding).toContainText('Looking for members…')
  await expect(finding).toContainText(/last try \d+ s ago/u)
  await expect(alice.page.getByTestId('room-peers')).toHaveCount(0) // the notice stands in for "0 peers"

  // The repeat lookups are counted as they start.
  await expect
    .poll(async () => Number(await finding.getAttribute('data-attempts')))
    .toBeGreaterThan(1)
  await alice.page.screenshot({ path: test.info().outputPath('finding.png') })

  await bob.onboard('Bob')
  await bob.joinRoom(key, 'quiet')
  await alice.waitForPeers(1)
  await expect(finding).toHaveCount(0)
})
