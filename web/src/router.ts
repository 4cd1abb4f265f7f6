// A small client-side router over the History API: the server answers every non-API path
// with the app's page, so /assets/mac:00:1c:06:… can be bookmarked and shared.
import { useSyncExternalStore } from 'react';

type Listener = () => void;
const listeners = new Set<Listener>();
let current = snapshot();

function snapshot(): { path: string; search: string } {
  return { path: window.location.pathname, search: window.location.search };
}

function changed(): void {
  const s = snapshot();
  if (s.path === current.path && s.search === current.search) return;
  current = s;
  for (const l of listeners) l();
}

window.addEventListener('popstate', changed);

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace === true) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  changed();
  if (opts.replace !== true) window.scrollTo(0, 0);
}

function subscribe(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useLocation(): { path: string; search: string } {
  return useSyncExternalStore(subscribe, () => current);
}

export function useQuery(): URLSearchParams {
  const { search } = useLocation();
  return new URLSearchParams(search);
}

/** Replaces the query string's values (undefined or '' removes a key), keeping the path. */
export function setQuery(change: Record<string, string | number | undefined>): void {
  const p = new URLSearchParams(window.location.search);
  for (const [k, v] of Object.entries(change)) {
    if (v === undefined || v === '') p.delete(k);
    else p.set(k, String(v));
  }
  const s = p.toString();
  navigate(window.location.pathname + (s === '' ? '' : '?' + s), { replace: true });
}

export function assetPath(id: string): string {
  return '/assets/' + encodeURIComponent(id);
}
