import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';

/** Loads `load()` when `deps` change; renders loading, the error (with its code), or `children(data)`. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: ApiError | Error | null; loading: boolean; reload(): void } {
  const [state, setState] = useState<{ data: T | null; error: ApiError | Error | null; loading: boolean }>({ data: null, error: null, loading: true });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error: Error) => live && setState({ data: null, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, n]);
  return { ...state, reload: () => setN((x) => x + 1) };
}

export function ErrorNote({ error }: { error: Error | null }): preact.JSX.Element | null {
  if (!error) return null;
  return (
    <p class="error-note" role="alert">
      {error instanceof ApiError ? <code>{error.code}</code> : null} {error.message}
    </p>
  );
}

export function Loading({ what, children }: { what: string; children?: ComponentChildren }) {
  return (
    <p aria-busy="true">
      Loading {what}… {children}
    </p>
  );
}

/** A user action that calls the API: busy while it runs, its error kept for `ErrorNote`. */
export function useAction(): { busy: boolean; error: Error | null; run(fn: () => Promise<void>): Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}
