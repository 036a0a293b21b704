import { useCallback, useEffect, useRef, useState } from 'react';

export const POLL_INTERVAL_MS = 2_000;

export interface Resource<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  /** Load again now (e.g. after an action); keeps showing the current data meanwhile. */
  reload(): Promise<void>;
}

export interface ResourceOptions<T> {
  /** Poll every interval while this says so (e.g. something is IN_PROGRESS). */
  pollWhile?: (data: T) => boolean;
  intervalMs?: number;
}

/**
 * Loads data and keeps it fresh: reloads when `key` changes, and polls while `pollWhile` holds,
 * so a screen follows a running workflow without a page reload.
 */
export function useResource<T>(key: string, load: () => Promise<T>, options: ResourceOptions<T> = {}): Resource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const generation = useRef(0);

  const reload = useCallback(async () => {
    const mine = generation.current;
    try {
      const value = await loadRef.current();
      if (mine !== generation.current) return;
      setData(value);
      setError(undefined);
    } catch (e) {
      if (mine !== generation.current) return;
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new key is what loads again
  useEffect(() => {
    generation.current += 1;
    setLoading(true);
    setData(undefined);
    setError(undefined);
    void reload();
    return () => {
      generation.current += 1;
    };
  }, [key, reload]);

  const polling = data !== undefined && (optionsRef.current.pollWhile?.(data) ?? false);
  useEffect(() => {
    if (!polling) return;
    const timer = setInterval(() => void reload(), optionsRef.current.intervalMs ?? POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [polling, reload]);

  return { data, error, loading, reload };
}
