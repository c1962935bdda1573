/**
 * Every failure a user can cause is one of these: a platform-style code, a one-line reason, and the fix.
 * Layers above `spec/` throw them; the CLI and the extension print `message` and `hint`, never a stack.
 */
export class FcboxError extends Error {
  constructor(
    /** The platform's error code where one exists (`FunctionNotStarted`, `CAExited`, ...), else our own. */
    readonly code: string,
    message: string,
    readonly hint?: string,
    /** Extra context a person needs, such as the last log lines of a crashed server. */
    readonly details?: string,
  ) {
    super(message);
    this.name = 'FcboxError';
  }
}

export function isFcboxError(e: unknown): e is FcboxError {
  return e instanceof FcboxError;
}

/** Anything thrown, as an FcboxError: those pass through; anything else is a bug in fcbox and says so. */
export function asFcboxError(e: unknown, hint = 'this is a bug in fcbox; please report it with the log'): FcboxError {
  if (isFcboxError(e)) return e;
  return new FcboxError('InternalError', e instanceof Error ? e.message : String(e), hint);
}
