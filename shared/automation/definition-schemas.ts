// The automation definition's zod schemas (definition.ts: some 420 schema objects to build, and Liquid for its
// template checks) are loaded by the first request that checks or documents a definition — a save, or writing
// /openapi.json — not at the api's init, where every request would pay to build them (docs/ARCHITECTURE.md §12).
import { z } from 'zod';
import { loadedOnFirstUse } from '#shared/lazy-module.ts';
import { loadTemplateChecks } from './template-checks.ts';

type DefinitionModule = typeof import('./definition.ts');
let definitions: DefinitionModule | undefined;

/** Loads the definition schemas with their Liquid checks (once; a failed load is tried again next time). */
export const loadDefinitionSchemas = loadedOnFirstUse(async () => {
  const [module] = await Promise.all([import('./definition.ts'), loadTemplateChecks()]);
  definitions = module;
  return module;
});

/** The loaded schemas, for code that runs after loadDefinitionSchemas() (documentation of the routes). */
export function loadedDefinitionSchemas(): DefinitionModule {
  if (!definitions) throw new Error('The automation definition schemas are not loaded: await loadDefinitionSchemas() first.');
  return definitions;
}

/** The definition as a request body, for the route table: built when first read, after loadDefinitionSchemas(). */
export const AutomationDefinitionSchema = z.lazy(() => loadedDefinitionSchemas().AutomationDefinition);
