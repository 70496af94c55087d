// Save errors next to their fields: the API names each bad field by its path in the definition
// (`actions.2.title`, `trigger.stageId`, `conditions.all.0.value`); every input knows its own path.
import { ApiError } from '../../../lib/api';

export type FieldErrors = Record<string, string>;

/** The messages of a 400 by field path; several messages on one path are joined. */
export function fieldErrorsOf(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) return {};
  const errors: FieldErrors = {};
  for (const detail of error.details) {
    if (typeof detail.path !== 'string') continue;
    errors[detail.path] = errors[detail.path] ? `${errors[detail.path]}; ${detail.message}` : detail.message;
  }
  return errors;
}

/** The error for an input: its own path, or a path inside it (`actions.0.set.amount` for the set editor). */
export function errorAt(errors: FieldErrors, path: string, options: { within?: boolean } = {}): string | undefined {
  if (errors[path]) return errors[path];
  if (!options.within) return undefined;
  const inside = Object.entries(errors).filter(([key]) => key.startsWith(`${path}.`));
  return inside.length > 0 ? inside.map(([key, message]) => `${key.slice(path.length + 1)}: ${message}`).join('; ') : undefined;
}
