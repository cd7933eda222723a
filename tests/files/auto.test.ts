import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import type { FileRef } from '../../src/shared/types'
import { QUOTA_AUTO_DOWNLOADS_PER_HOUR } from '../../src/shared/limits'
import { Cluster, connected, useCluster } from '../helpers/nodes'
import { tempDir, until } from '../helpers/net'
import { MiB, appendRaw, entryOn, pngHeader, randomFile, streamBytes } from './helpers'

let cluster: Cluster
useCluster((c) => (cluster = c))

test('avatars and voice notes arrive by themselves, verified', async () => {
  const dir = await tempDir()
  const alice = await cluster.node('Alice')
  const room = await alice.createRoom('Auto')
  // The avatar is set before Bob ever joins: he learns it from Alice's profile entry.
  const avatarFile = path.join(dir, 'me.png')
  const avatarBytes = Buffer.concat([
    pngHeader(96, 96),
    await fs.readFile(await randomFile(path.join(dir, 'pad'), 5000)),
  ])
  await fs.writeFile(avatarFile, avatarBytes)
  const profile = await alice.setAvatar(avatarFile)
  assert.equal(profile.avatar!.type, 'image/png')
  assert.equal(profile.avatar!.size, avatarBytes.length)
  assert.deepEqual(
    await streamBytes((await alice.readAvatar(room.key, alice.memberKey(room.key)))!),
    avatarBytes,
  )

  const bob = await cluster.node('Bob')
  const avatars: Array<{ member: string; avatar: FileRef }> = []
  bob.on('avatar:updated', (a) => avatars.push(a))
  await bob.joinRoom(room.key)
  await connected(alice, bob, room.key)
  const aliceKey = alice.memberKey(room.key)
  await until('Alice’s avatar to arrive at Bob', () => avatars.find((a) => a.member === aliceKey))
  // Each room shows a copy of the avatar that lives in that room's own drive.
  const inRoom = { ...profile.avatar!, drive: alice.drives(room.key).key }
  assert.notEqual(inRoom.drive, profile.avatar!.drive)
  assert.deepEqual(avatars[0].avatar, inRoom)
  const member = bob.members(room.key).find((m) => m.key === aliceKey)!
  assert.deepEqual(member.avatar, inRoom)
  assert.deepEqual(await streamBytes((await bob.readAvatar(room.key, aliceKey))!), avatarBytes)

  // A voice note: no download call, it is simply there.
  const noteBytes = await fs.readFile(await randomFile(path.join(dir, 'note.webm'), 300 * 1024))
  const note = await alice.sendVoiceNote(room.key, path.join(dir, 'note.webm'), 4200)
  await until('the voice note to be ready at Bob', async () => {
    const e = (await bob.history(room.key)).find((x) => x.id === note.id)
    return e?.fileState === 'ready'
  })
  const onBob = await entryOn(bob, room.key, note.id)
  assert.equal(onBob.kind, 'audio')
  assert.equal(onBob.duration, 4200)
  assert.equal(onBob.file!.type, 'audio/webm')
  assert.deepEqual(await streamBytes(await bob.readFile(room.key, note.id)), noteBytes)

  // Files, by contrast, wait to be asked for.
  const file = await alice.sendFile(room.key, path.join(dir, 'note.webm'), { name: 'doc.bin' })
  await new Promise((r) => setTimeout(r, 500))
  assert.equal((await entryOn(bob, room.key, file.id)).fileState, 'remote')

  // Removing the avatar frees its bytes and tells the room.
  await alice.setAvatar(null)
  assert.equal(alice.profile.avatar, null)
  assert.equal(await alice.files.home.own.entry(profile.avatar!.path), null)
  await until('Bob to see the avatar removed', () =>
    bob.members(room.key).find((m) => m.key === aliceKey && m.avatar === null),
  )
})

test('over their caps, or not images, nothing arrives by itself', async () => {
  const dir = await tempDir()
  const alice = await cluster.node('Alice')
  const mallory = await cluster.node('Mallory')
  const room = await alice.createRoom('Caps')
  await mallory.joinRoom(room.key)
  await connected(alice, mallory, room.key)
  const avatars: unknown[] = []
  alice.on('avatar:updated', (a) => avatars.push(a))

  // A "voice note" of 25 MiB and an "avatar" that is not an image, both forged.
  const blob = await mallory.sendFile(room.key, await randomFile(path.join(dir, 'x'), 2 * MiB))
  // Raw entries take their clock from Mallory's own, so they go forward along her core.
  const bigNote = await appendRaw(mallory, room.key, [
    {
      t: 'audio',
      h: mallory.clock.tick(),
      file: { ...blob.file!, size: 25 * MiB },
      duration: 1000,
    },
  ])
  // Small enough to fetch, so it is the header check that refuses it.
  const noise = await mallory.sendFile(room.key, await randomFile(path.join(dir, 'n'), 100_000))
  const fakeAvatar: FileRef = { ...noise.file!, name: 'a.png', type: 'image/png' }
  await appendRaw(mallory, room.key, [
    { t: 'profile', h: mallory.clock.tick(), name: 'Mallory', avatar: fakeAvatar },
  ])
  const malloryKey = mallory.memberKey(room.key)
  await until('the forged profile to apply', () =>
    alice
      .members(room.key)
      .find((m) => m.key === malloryKey && m.avatar?.path === noise.file!.path),
  )
  await entryOn(alice, room.key, bigNote)
  await new Promise((r) => setTimeout(r, 1000))
  assert.equal(
    (await entryOn(alice, room.key, bigNote)).fileState,
    'remote',
    'too big to fetch by itself',
  )
  assert.equal(avatars.length, 0, 'bytes that are not an image are not an avatar')
  assert.equal(await alice.readAvatar(room.key, malloryKey), null)
  // The same bytes are still a perfectly good file.
  assert.equal((await alice.download(room.key, noise.id)).entry.fileState, 'ready')
})

test('past its hourly quota, a member’s voice notes wait to be asked for', async () => {
  const dir = await tempDir()
  const alice = await cluster.node('Alice')
  const mallory = await cluster.node('Mallory')
  const room = await alice.createRoom('Auto quota')
  await mallory.joinRoom(room.key)
  await connected(alice, mallory, room.key)
  const count = QUOTA_AUTO_DOWNLOADS_PER_HOUR + 3
  const ids: string[] = []
  for (let n = 0; n < count; n++) {
    const file = await randomFile(path.join(dir, `note${n}.webm`), 2000)
    ids.push((await mallory.sendVoiceNote(room.key, file, 1000)).id)
  }
  const states = async () =>
    Promise.all(ids.map(async (id) => (await entryOn(alice, room.key, id)).fileState))
  await until(
    'the quota’s worth to arrive by itself',
    async () =>
      (await states()).filter((s) => s === 'ready').length === QUOTA_AUTO_DOWNLOADS_PER_HOUR,
    60_000,
  )
  await new Promise((r) => setTimeout(r, 1000))
  const after = await states()
  assert.equal(after.filter((s) => s === 'ready').length, QUOTA_AUTO_DOWNLOADS_PER_HOUR)
  assert.equal(after.filter((s) => s === 'remote').length, count - QUOTA_AUTO_DOWNLOADS_PER_HOUR)
  // Nothing is lost: the member can still fetch the rest.
  const waiting = ids[after.indexOf('remote')]
  assert.equal((await alice.download(room.key, waiting)).entry.fileState, 'ready')
})
