// Code only some calls need (Liquid, phone parsing, date arithmetic, the automation compiler), loaded by the first
// of them instead of at a function's init, where every request would pay to compile it (docs/ARCHITECTURE.md §12).

/**
 * `load`, run once on first call and shared by every caller after; a load that fails (a chunk that cannot be read)
 * is not remembered, so the next call tries again.
 */
export function loadedOnFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () =>
    (loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
}
