import { useCallback, useEffect, useRef, useState } from "preact/hooks";

/** What a page knows about its data while it loads and refreshes. */
export interface DataState<T> {
  data: T | undefined;
  error: string | undefined;
  /** Load again now (e.g. after a change); the old data stays on screen meanwhile. */
  reload: () => Promise<void>;
}

/**
 * Loads `load()` when `key` changes and again every `refreshMs` while `refreshMs` is set. Old data
 * stays shown during a refresh, so live updates never blank or shift the page.
 */
export function useData<T>(load: () => Promise<T>, key: string, refreshMs?: number): DataState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const loadRef = useRef(load);
  loadRef.current = load;
  const current = useRef(key);

  const reload = useCallback(async () => {
    const asked = current.current;
    try {
      const value = await loadRef.current();
      if (current.current === asked) {
        setData(value);
        setError(undefined);
      }
    } catch (e) {
      if (current.current === asked) setError((e as Error).message);
    }
  }, []);

  useEffect(() => {
    current.current = key;
    setData(undefined);
    void reload();
  }, [key]);

  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(() => void reload(), refreshMs);
    return () => clearInterval(timer);
  }, [key, refreshMs]);

  return { data, error, reload };
}

/** The current hash route, e.g. `["instance", "<uuid>"]`. */
export function useHashRoute(): string[] {
  const read = (): string[] =>
    window.location.hash
      .replace(/^#\/?/, "")
      .split("/")
      .filter((p) => p !== "")
      .map((p) => decodeURIComponent(p));
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = (): void => setRoute(read());
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
