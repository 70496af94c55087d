// The Liquid syntax check of the definition schema (definition.ts), which parses synchronously: liquidjs (≈ 80 KB)
// is loaded by the first save of an automation (shared/engine/automations.ts), not at the api's init.
import { loadedOnFirstUse } from '#shared/lazy-module.ts';

type TemplateProblem = (source: string, options?: { html?: boolean }) => string | undefined;
let check: TemplateProblem | undefined;

/** Loads Liquid for the schema's template checks (once; a failed load is tried again next time). */
export const loadTemplateChecks = loadedOnFirstUse(async () => {
  check = (await import('./templates.ts')).templateProblem;
});

/** For a runtime that bundles Liquid anyway (the console): the schema checks templates without a load. */
export function provideTemplateChecks(templateProblem: TemplateProblem): void {
  check = templateProblem;
}

/** Why a template does not parse, or undefined when it does; whoever parses a definition awaits loadTemplateChecks() first. */
export function templateProblem(source: string, options: { html?: boolean } = {}): string | undefined {
  if (!check) throw new Error('Liquid is not loaded: await loadTemplateChecks() before checking a definition with its schema.');
  return check(source, options);
}
