/**
 * Start and stop order of the local cloud's parts, as code: each part is registered the moment it
 * has started, and stopping closes them in reverse (the HTTP port first, the database last), so a
 * failed start undoes exactly what had started and a normal stop never closes a part before the
 * parts that still use it.
 */
export class Lifecycle {
  private readonly started: { name: string; close: () => Promise<void> | void }[] = [];

  /** Registers a part that is now running; `close` stops it. */
  add(name: string, close: () => Promise<void> | void): void {
    this.started.push({ name, close });
  }

  /** Stops every registered part, newest first; every part is tried, and the first failure is rethrown after. */
  async stop(): Promise<void> {
    let failure: unknown;
    for (let part = this.started.pop(); part; part = this.started.pop()) {
      try {
        await part.close();
      } catch (err) {
        failure ??= new Error(`Stopping the local cloud's ${part.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (failure) throw failure;
  }
}
