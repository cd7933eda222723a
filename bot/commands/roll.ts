import { randomInt } from 'node:crypto'
import type { Command } from './types'

export const MAX_DICE = 100
export const MIN_SIDES = 2
export const MAX_SIDES = 1000

const USAGE = `Usage: \`!roll NdM\`, N dice (1–${MAX_DICE}) of M sides (${MIN_SIDES}–${MAX_SIDES}), e.g. \`!roll 2d6\`.`

export function parseDice(args: string): { dice: number; sides: number } | { error: string } {
  const match = /^(\d{1,6})d(\d{1,6})$/iu.exec(args.trim())
  if (!match) return { error: USAGE }
  const dice = Number(match[1])
  const sides = Number(match[2])
  if (dice < 1 || dice > MAX_DICE)
    return { error: `You can roll 1 to ${MAX_DICE} dice, not ${dice}. ${USAGE}` }
  if (sides < MIN_SIDES || sides > MAX_SIDES) {
    return { error: `A die has ${MIN_SIDES} to ${MAX_SIDES} sides, not ${sides}. ${USAGE}` }
  }
  return { dice, sides }
}

export const roll: Command = {
  name: 'roll',
  usage: '!roll NdM',
  summary: `roll N dice with M sides (N up to ${MAX_DICE}, M up to ${MAX_SIDES})`,
  run(args) {
    const parsed = parseDice(args)
    if ('error' in parsed) return parsed.error
    const rolls = Array.from({ length: parsed.dice }, () => randomInt(1, parsed.sides + 1))
    const total = rolls.reduce((a, b) => a + b, 0)
    const spec = `${parsed.dice}d${parsed.sides}`
    return rolls.length === 1
      ? `rolled ${spec}: **${total}**`
      : `rolled ${spec}: ${rolls.join(' + ')} = **${total}**`
  },
}
