/** One field the encoder asked both sides to remember (RFC 7541 §2.3.2). */
export interface DynamicTableEntry {
  readonly name: string
  readonly value: string
  /** RFC 7541 §4.1: its octets plus 32 for the bookkeeping an implementation needs. */
  readonly size: number
}

/** RFC 7541 §4.1: what an entry counts against the table's size. Strings hold one octet per char (latin1). */
export function entrySize(name: string, value: string): number {
  return name.length + value.length + 32
}

/**
 * The dynamic table of one direction of a connection (RFC 7541 §2.3.2, §4): a FIFO of fields,
 * newest first, whose sizes add up to at most `capacity`. Indexes here count from 1 (newest);
 * the decoder adds the static table's 61.
 */
export class DynamicTable {
  // Oldest first, so adding is a push and evicting a shift.
  #entries: DynamicTableEntry[] = []
  #size = 0
  #capacity: number

  constructor(capacity: number) {
    this.#capacity = capacity
  }

  /** The sum of the entries' sizes (RFC 7541 §4.1). */
  get size(): number {
    return this.#size
  }

  /** The maximum size the encoder last chose (§4.2), at most the decoder's SETTINGS_HEADER_TABLE_SIZE. */
  get capacity(): number {
    return this.#capacity
  }

  get length(): number {
    return this.#entries.length
  }

  /** The entries, newest (index 1) first. */
  entries(): DynamicTableEntry[] {
    return this.#entries.toReversed()
  }

  /** Entry `index` (1 = newest), or undefined past the end. */
  get(index: number): DynamicTableEntry | undefined {
    return this.#entries[this.#entries.length - index]
  }

  /**
   * §4.4: evicts from the oldest end until the new entry fits, then adds it. An entry bigger than the
   * whole table empties it and is not added: an error for neither side.
   */
  add(name: string, value: string): void {
    const size = entrySize(name, value)
    this.#evictUntil(this.#capacity - size)
    if (size <= this.#capacity) {
      this.#entries.push({ name, value, size })
      this.#size += size
    }
  }

  /** §4.3: a new maximum size evicts until the entries fit in it. */
  resize(capacity: number): void {
    this.#capacity = capacity
    this.#evictUntil(capacity)
  }

  #evictUntil(size: number): void {
    while (this.#size > Math.max(size, 0)) {
      const oldest = this.#entries.shift()
      if (!oldest) break
      this.#size -= oldest.size
    }
  }
}
