/** Views by URL (hash routes), so a map, a filtered list or a trace can be shared on the same machine. */
import { useEffect, useMemo, useState } from 'preact/hooks';

export type Route =
  | { view: 'map'; since: string }
  | { view: 'traces'; since: string; filter: string }
  | { view: 'trace'; id: string }
  | { view: 'lab' };

export const SINCE_CHOICES = ['5m', '15m', '1h', '6h', '1d'] as const;
export const DEFAULT_SINCE = '15m';

export function parseRoute(hash: string): Route {
  const [path = '', q = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(q);
  const since = params.get('since') || DEFAULT_SINCE;
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'traces') return { view: 'traces', since, filter: params.get('filter') ?? '' };
  if (parts[0] === 'trace' && parts[1]) return { view: 'trace', id: decodeURIComponent(parts[1]) };
  if (parts[0] === 'lab') return { view: 'lab' };
  return { view: 'map', since };
}

export function href(r: Route): string {
  switch (r.view) {
    case 'map':
      return `#/map?since=${encodeURIComponent(r.since)}`;
    case 'traces': {
      const q = new URLSearchParams({ since: r.since });
      if (r.filter) q.set('filter', r.filter);
      return `#/traces?${q.toString()}`;
    }
    case 'trace':
      return `#/trace/${encodeURIComponent(r.id)}`;
    case 'lab':
      return '#/lab';
  }
}

export function useRoute(): Route {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    // Effects run after the first paint: a hash change in between fired before this listener existed.
    on();
    return () => removeEventListener('hashchange', on);
  }, []);
  return useMemo(() => parseRoute(hash), [hash]);
}
