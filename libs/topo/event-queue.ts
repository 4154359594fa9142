/**
 * An unbounded single-consumer queue exposed as an AsyncIterable: producers (watch callbacks) push without
 * waiting, the consumer pulls with `for await`. Ending it lets buffered items drain first, then stops.
 */
export class EventQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private ended = false;
  private iterated = false;

  /** `onConsumerStop` runs when the consumer breaks out of its loop, so the producer can stop too. */
  constructor(private readonly onConsumerStop: () => void = () => {}) {}

  get isEnded(): boolean {
    return this.ended;
  }

  push(item: T): void {
    if (this.ended) return;
    const waiter = this.waiting;
    if (waiter) {
      this.waiting = undefined;
      waiter({ value: item, done: false });
    } else {
      this.items.push(item);
    }
  }

  /** No more items; the consumer still receives what is buffered. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const waiter = this.waiting;
    this.waiting = undefined;
    waiter?.({ value: undefined, done: true });
  }

  /** Ends at once, dropping buffered items (the consumer cancelled). */
  discard(): void {
    this.items.length = 0;
    this.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.iterated) throw new Error("a watch's changes can be iterated only once");
    this.iterated = true;
    return {
      next: () => {
        const item = this.items.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.waiting = resolve;
        });
      },
      return: () => {
        this.discard();
        this.onConsumerStop();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
