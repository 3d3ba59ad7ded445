// The base of every typed error holdfast raises, and the storage error. Below every layer, so that
// the database layer can raise them without importing the service above it.

/** Base class of every error holdfast raises on purpose; `code` is stable and machine-readable. */
export class HoldfastError extends Error {
  readonly code: string;
  /** True when the caller's input was at fault (the CLI exits 2), false when the operation failed (exit 1). */
  readonly usage: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, options: { usage?: boolean; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.usage = options.usage ?? false;
    this.details = options.details ?? {};
  }
}

/** The database cannot be used safely (unknown snapshot version, unsafe pragmas, corrupt row). */
export class StorageError extends HoldfastError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, details ? { details } : {});
  }
}
