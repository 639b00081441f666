/**
 * The inbox could not commit a delivery (database down, locked, or too slow). The HTTP layer answers
 * 503 so Zoom retries; the delivery may or may not have been committed, and a redelivery is
 * de-duplicated either way.
 */
export class InboxUnavailableError extends Error {
  override name = "InboxUnavailableError";
  /**
   * The database error's code (`ECONNREFUSED`, `57P01`, `SQLITE_BUSY`, …) or `timeout`/`closed`:
   * safe to log, unlike driver messages, which may quote stored values.
   */
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * The database refuses to store this one delivery whatever the moment (a value it cannot hold: see
 * `isDataError`). The group commit found it by splitting its batch; the deliveries that shared the
 * batch were committed without it. The HTTP layer answers 400: a retry would fail the same way.
 */
export class InboxRefusedError extends Error {
  override name = "InboxRefusedError";
  /** The database error's code (`54000`, `SQLITE_CONSTRAINT_NOTNULL`, …). */
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
