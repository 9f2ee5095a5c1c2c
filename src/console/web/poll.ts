/**
 * Live data: fetch, then fetch again every few seconds while live is on. The previous answer stays on
 * screen while the next one loads, and Preact patches the DOM in place, so scroll position, focus and
 * selection survive each refresh.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

export const REFRESH_MS = 5_000;

export interface Polled<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
}

export function usePoll<T>(key: string, load: (signal: AbortSignal) => Promise<T>, live: boolean): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ data: undefined, error: undefined, loading: true });
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const ac = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState((s) => ({ ...s, loading: true }));
    const tick = async (): Promise<void> => {
      try {
        const data = await loadRef.current(ac.signal);
        if (!ac.signal.aborted) setState({ data, error: undefined, loading: false });
      } catch (e) {
        if (ac.signal.aborted) return;
        setState((s) => ({ data: s.data, error: (e as Error).message, loading: false }));
      }
      if (live && !ac.signal.aborted) timer = setTimeout(() => void tick(), REFRESH_MS);
    };
    void tick();
    return () => {
      ac.abort();
      clearTimeout(timer);
    };
  }, [key, live]);
  return state;
}
