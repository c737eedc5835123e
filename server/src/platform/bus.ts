// The event bus between modules. In embedded mode it is in-process; a NATS transport can implement the
// same interface for a cluster. Handlers run synchronously after the publisher's transaction committed,
// so a slow subscriber must queue its own work.
export type EventHandler<T = unknown> = (payload: T) => void;

export interface EventBus {
  publish<T>(subject: string, payload: T): void;
  /** Returns an unsubscribe function. */
  subscribe<T>(subject: string, handler: EventHandler<T>): () => void;
}

export function createLocalBus(onError: (error: unknown, subject: string) => void = () => undefined): EventBus {
  const handlers = new Map<string, Set<EventHandler>>();
  return {
    publish(subject, payload) {
      const set = handlers.get(subject);
      if (!set) return;
      for (const handler of set) {
        try {
          handler(payload);
        } catch (error) {
          onError(error, subject);
        }
      }
    },
    subscribe(subject, handler) {
      let set = handlers.get(subject);
      if (!set) handlers.set(subject, (set = new Set()));
      set.add(handler as EventHandler);
      return () => set!.delete(handler as EventHandler);
    },
  };
}
