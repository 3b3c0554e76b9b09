// The one error the UI sees: core's `{code, message, field?}`.

export type ErrorCode =
  | 'not_found' | 'invalid' | 'conflict' | 'offline' | 'unauthorized' | 'keyring_unavailable'
  | 'key_missing' | 'wrong_key' | 'too_new' | 'storage' | 'internal';

export class AppError extends Error {
  readonly code: ErrorCode | string;
  readonly field?: string;

  constructor(code: ErrorCode | string, message: string, field?: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    if (field !== undefined) this.field = field;
  }

  /** Whatever was thrown, as an AppError: a wire error `{code, message, field?}` keeps its parts. */
  static from(e: unknown): AppError {
    if (e instanceof AppError) return e;
    if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
      const w = e as { code: string; message?: unknown; field?: unknown };
      return new AppError(w.code, String(w.message ?? w.code), typeof w.field === 'string' ? w.field : undefined);
    }
    if (typeof e === 'string') return new AppError('internal', e);
    return new AppError('internal', e instanceof Error ? e.message : String(e));
  }
}

export function invalid(field: string, reason: string): AppError {
  return new AppError('invalid', `${field}: ${reason}`, field);
}
