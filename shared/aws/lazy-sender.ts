// A channel adapter (mail, SMS) whose SDK client is loaded by the first send, not at init: most Tasks of a run
// plan a wait, check conditions or write records, and never send. A load that fails is tried again next time.
export interface Sender<M, R> {
  send(message: M): Promise<R>;
}

export function loadedOnFirstSend<M, R>(load: () => Promise<Sender<M, R>>): Sender<M, R> {
  let loaded: Promise<Sender<M, R>> | undefined;
  return {
    async send(message) {
      loaded ??= load().catch((error: unknown) => {
        loaded = undefined;
        throw error;
      });
      return (await loaded).send(message);
    },
  };
}
