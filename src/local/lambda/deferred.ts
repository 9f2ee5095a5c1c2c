/** A promise settled from outside, remembering whether it has been. */
export class Deferred<T> {
  readonly promise: Promise<T>;
  settled = false;
  private resolveFn!: (value: T) => void;

  constructor() {
    this.promise = new Promise<T>((resolve) => {
      this.resolveFn = resolve;
    });
  }

  resolve(value: T): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveFn(value);
  }
}

/** A cancellable timer as a promise; unref'd so a pending timeout never keeps the host process alive. */
export function timer<T>(ms: number, value: T): { promise: Promise<T>; cancel(): void } {
  let handle: NodeJS.Timeout | undefined;
  const promise = new Promise<T>((resolve) => {
    handle = setTimeout(() => resolve(value), ms);
    handle.unref();
  });
  return { promise, cancel: () => clearTimeout(handle) };
}
