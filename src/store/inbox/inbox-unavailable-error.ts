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
