/**
 * Messages waiting for the broker, bounded. Events queue in order; a retained state topic (link,
 * counters, muted…) keeps only its newest value, since that is all a subscriber would see anyway.
 * When full, the oldest event goes and is counted, so a broker that stays away for hours costs a
 * fixed amount of memory and the loss is reported with its size, never silent.
 */

export interface QueuedMessage {
  topic: string;
  payload: string;
  qos: 0 | 1;
  retain: boolean;
}

export class OfflineQueue {
  readonly capacity: number;
  #items: QueuedMessage[] = [];
  /** Messages dropped because the queue was full (since the last `takeDropped()`). */
  #dropped = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`queue capacity ${capacity} must be >= 1`);
    this.capacity = capacity;
  }

  get length(): number {
    return this.#items.length;
  }

  push(m: QueuedMessage): void {
    if (m.retain) {
      const i = this.#items.findIndex((x) => x.retain && x.topic === m.topic);
      if (i >= 0) this.#items.splice(i, 1); // the newer state replaces the older
    }
    if (this.#items.length >= this.capacity) {
      const i = this.#items.findIndex((x) => !x.retain);
      this.#items.splice(i >= 0 ? i : 0, 1);
      this.#dropped++;
    }
    this.#items.push(m);
  }

  /** Puts messages back at the front, in order (sent, but the broker never acknowledged them). */
  unshift(...ms: QueuedMessage[]): void {
    this.#items.unshift(...ms);
    while (this.#items.length > this.capacity) {
      const i = this.#items.findLastIndex((x) => !x.retain);
      this.#items.splice(i >= 0 ? i : this.#items.length - 1, 1);
      this.#dropped++;
    }
  }

  shift(): QueuedMessage | undefined {
    return this.#items.shift();
  }

  takeDropped(): number {
    const n = this.#dropped;
    this.#dropped = 0;
    return n;
  }
}
