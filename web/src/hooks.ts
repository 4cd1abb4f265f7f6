// Data loading: useApi fetches a path and refetches when it changes, when reload() is called
// or when the data changed on the server (a capture was analysed: bumpData()).
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { api } from './api.ts';

let dataVersion = 0;
const dataListeners = new Set<() => void>();

/** Tells every page that the inventory and records changed (an analysis finished). */
export function bumpData(): void {
  dataVersion++;
  for (const l of dataListeners) l();
}

export function useDataVersion(): number {
  return useSyncExternalStore((l) => {
    dataListeners.add(l);
    return () => dataListeners.delete(l);
  }, () => dataVersion);
}

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

export function useApi<T>(path: string | null): Loaded<T> {
  const version = useDataVersion();
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<{ key: string; data?: T; error?: Error }>({ key: '' });
  const key = `${path}#${version}#${tick}`;
  useEffect(() => {
    if (path === null) return;
    let live = true;
    api<T>(path).then(
      (data) => live && setState({ key, data }),
      (error: Error) => live && setState((s) => ({ key, data: s.data, error })),
    );
    return () => {
      live = false;
    };
  }, [path, key]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: path !== null && state.key !== key, reload };
}

/** A value that follows `value` after `ms` without change (search boxes). */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}
