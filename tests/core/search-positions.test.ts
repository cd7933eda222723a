import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { MAX_POSITION_WRITERS, Positions } from '../../src/core/search/positions'

// Where each indexed message is: (writer, block, entry) packed into one number.

const key = (w: number) => w.toString(16).padStart(64, '0')

test('a place packs and unpacks to the same entry id, up to 1024 writers and 2^34 blocks', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          w: fc.integer({ min: 0, max: MAX_POSITION_WRITERS - 1 }),
          seq: fc.integer({ min: 0, max: 2 ** 34 - 1 }),
          i: fc.integer({ min: 0, max: 255 }),
        }),
        { minLength: 1, maxLength: 50 },
      ),
      (places) => {
        const writers = Array.from({ length: MAX_POSITION_WRITERS }, (_, w) => key(w))
        const positions = new Positions([...writers])
        const docs = places.map(({ w, seq, i }) =>
          positions.add(positions.place(key(w), seq, i, false)!),
        )
        const again = Positions.from(writers, positions.bytes())
        places.forEach(({ w, seq, i }, n) => {
          assert.equal(positions.id(docs[n]!), `${key(w)}.${seq}.${i}`)
          assert.equal(again.id(docs[n]!), `${key(w)}.${seq}.${i}`)
          const place = again.place(key(w), seq, i, false)!
          assert.equal(again.id(again.find(place)), `${key(w)}.${seq}.${i}`)
        })
      },
    ),
  )
})

test('places that cannot be named are refused, and removed ones are gone', () => {
  const positions = new Positions()
  assert.equal(positions.place(key(1), 0, 0, false), null, 'an unknown writer is not added')
  const place = positions.place(key(1), 5, 2, true)!
  assert.equal(positions.place(key(1), 2 ** 34, 0, true), null)
  assert.equal(positions.place(key(1), 0, 256, true), null)
  assert.equal(positions.place(key(1), -1, 0, true), null)
  const doc = positions.add(place)
  for (let n = 0; n < 5000; n++) positions.add(positions.place(key(2), n, 0, true)!)
  assert.equal(positions.size, 5001)
  positions.remove(doc)
  assert.equal(positions.size, 5000)
  assert.equal(positions.id(doc), null)
  assert.equal(positions.find(place), -1)
  assert.equal(positions.id(99_999), null)
  const full = new Positions(Array.from({ length: MAX_POSITION_WRITERS }, (_, w) => key(w)))
  assert.equal(full.place(key(MAX_POSITION_WRITERS), 0, 0, true), null, 'no 1025th writer')
})

test('malformed saved positions are refused', () => {
  const ok = new Positions([key(0)])
  ok.add(ok.place(key(0), 1, 1, false)!)
  assert.throws(() => Positions.from('x', ok.bytes()), /writers/)
  assert.throws(() => Positions.from([key(0)], ok.bytes().subarray(0, 5)), /positions/)
  assert.throws(() => Positions.from([], ok.bytes()), /position/, 'names a writer not listed')
  const nan = new Uint8Array(new Float64Array([Number.NaN]).buffer)
  assert.throws(() => Positions.from([key(0)], nan), /position/)
  assert.equal(Positions.from([key(0)], ok.bytes()).size, 1)
})
