import fs from 'node:fs'
import readline from 'node:readline'
import { writeFileAtomic } from '../atomic'

// The saved search index, one line at a time: a JSON header (version, cursors, the
// message positions), then FlexSearch's export as `key<TAB>data` lines, then an end line.
// Read as a stream, each export chunk is imported as it arrives, so loading holds one
// chunk of text at a time, not the whole file and a parsed copy of it. (Version 2 was one
// JSON object with every chunk inside it as an escaped string, and every entry id.)

export interface Exportable {
  export(cb: (key: string, data: string) => void): unknown
  import(key: string, data: string): unknown
}

const END = 'end'

export async function writeIndexFile(
  file: string,
  header: object,
  index: Exportable,
): Promise<void> {
  const lines = [JSON.stringify(header)]
  await index.export((key, data) => {
    if (key.includes('\t') || key.includes('\n')) throw new Error('bad export key')
    lines.push(`${key}\t${data}`)
  })
  lines.push(END, '')
  await writeFileAtomic(file, lines.join('\n'))
}

/**
 * Reads the header and, if `accept(header)` says so, imports the chunks into `index`.
 * Null if the file is missing or not accepted; throws if it is malformed or cut short.
 */
export async function readIndexFile(
  file: string,
  index: Exportable,
  accept: (header: any) => boolean,
): Promise<any | null> {
  const stream = fs.createReadStream(file, { encoding: 'utf8' })
  const opened = new Promise<boolean>((resolve) => {
    stream.once('open', () => resolve(true))
    stream.once('error', () => resolve(false))
  })
  if (!(await opened)) return null
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity })
  try {
    let header: any = undefined
    let ended = false
    for await (const line of lines) {
      if (header === undefined) {
        header = JSON.parse(line)
        if (!accept(header)) return null
        continue
      }
      if (ended) throw new Error('data after the end')
      if (line === END) {
        ended = true
        continue
      }
      const tab = line.indexOf('\t')
      if (tab <= 0) throw new Error('bad line')
      index.import(line.slice(0, tab), line.slice(tab + 1))
    }
    if (!ended) throw new Error('cut short')
    return header
  } finally {
    lines.close()
    stream.destroy()
  }
}
