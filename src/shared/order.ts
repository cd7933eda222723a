/** Index of the first item whose `order` is not below `order`, in a list ascending by order. */
export function lowerBoundByOrder(list: ReadonlyArray<{ order: string }>, order: string): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (list[mid].order < order) lo = mid + 1
    else hi = mid
  }
  return lo
}
