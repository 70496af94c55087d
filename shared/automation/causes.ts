// Reading a Task error's Cause, kept free of zod so the small functions (track-runs) stay small.

/** The human message in a Task error's Cause: a Lambda's Cause is JSON with errorMessage; others are text. */
export function causeMessage(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause) as unknown;
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { errorMessage?: unknown }).errorMessage === 'string')
      return (parsed as { errorMessage: string }).errorMessage;
  } catch {
    // Not JSON: the cause is the message.
  }
  return cause;
}
