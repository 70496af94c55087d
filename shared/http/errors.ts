// The one place where domain errors become HTTP statuses and the error body of docs/ARCHITECTURE.md §8.
import { DomainError } from '#shared/errors.ts';

const statusByCode: Record<string, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  VERSION_MISMATCH: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
};

export interface ErrorReply {
  status: number;
  body: { error: { code: string; message: string; details: unknown[] } };
}

export function errorReply(code: string, message: string, details: unknown[] = [], status?: number): ErrorReply {
  return { status: status ?? statusByCode[code] ?? 409, body: { error: { code, message, details } } };
}

/** A domain error keeps its code; anything else is ours, a 500 that says nothing internal. */
export function replyForError(error: unknown): ErrorReply | undefined {
  if (error instanceof DomainError) return errorReply(error.code, error.message, error.details);
  return undefined;
}

export const internalErrorReply = (requestId: string): ErrorReply =>
  errorReply('INTERNAL', `Something failed on our side; quote request ${requestId} when reporting it.`, [], 500);
