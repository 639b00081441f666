import { useEffect, useRef } from "preact/hooks";

/** Event types that change what a page shows (every type Rollcall streams; `roster` and `ready` are not changes). */
const changes = ["instance.started", "attendee.joined", "attendee.left", "attendance.updated", "session.unresolved", "instance.ended", "instance.finalized"];

/**
 * Listens to a live stream (`/api/v1/live` or an instance's) and calls `onChange` after events,
 * at most every `waitMs` (a burst of events is one reload). The browser's `EventSource` sends the
 * session cookie and reconnects with `Last-Event-ID` by itself; a stream the server refused for
 * good (the session ended) sends the page back to sign in through `onChange`'s own 401.
 */
export function useLive(url: string | undefined, onChange: () => void, waitMs = 400): void {
  const callback = useRef(onChange);
  callback.current = onChange;
  useEffect(() => {
    if (url === undefined) return;
    const source = new EventSource(url);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const changed = (): void => {
      timer ??= setTimeout(() => {
        timer = undefined;
        callback.current();
      }, waitMs);
    };
    for (const type of changes) source.addEventListener(type, changed);
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) changed();
    };
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [url, waitMs]);
}
