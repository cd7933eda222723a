// Inline help for the composer's ~commands. The engine parses and runs them
// (command:run); this list only teaches them as you type.

export interface CommandHelp {
  name: string
  args: string
  about: string
}

export const COMMANDS: CommandHelp[] = [
  { name: 'create', args: '<name>', about: 'Create a new room and switch to it' },
  {
    name: 'join',
    args: '<room key or link> [name]',
    about: 'Join a room by its key or linkup:// link',
  },
  { name: 'leave', args: '', about: 'Leave this room' },
  { name: 'clear', args: '', about: 'Hide this room’s history up to now, on this device' },
  { name: 'rooms', args: '', about: 'List your rooms' },
  { name: 'peers', args: '', about: 'Who is connected in this room' },
  { name: 'nick', args: '<name>', about: 'Change your display name' },
  { name: 'ping', args: '', about: 'Measure the round trip to each peer' },
  { name: 'help', args: '', about: 'Show all commands' },
]

/** Commands matching what is typed so far, while the first word is still being typed. */
export function commandSuggestions(input: string): CommandHelp[] {
  const m = /^~(\S*)$/u.exec(input)
  if (!m) return []
  const typed = m[1].toLowerCase()
  return COMMANDS.filter((c) => c.name.startsWith(typed))
}

/** The help line for the command being typed, once its name is complete. */
export function commandInProgress(input: string): CommandHelp | undefined {
  const m = /^~(\S+)\s/u.exec(input)
  return m ? COMMANDS.find((c) => c.name === m[1].toLowerCase()) : undefined
}
