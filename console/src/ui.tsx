import type { MailroomApiError, Result } from '@mailroom/sdk';
import { type ReactNode, useCallback, useEffect, useState } from 'react';

export interface Loaded<T> {
  data: T | null;
  error: MailroomApiError | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Reads once (and on `reload`), then again `poll(data)` ms after each answer while that
 * gives a number and the tab is visible: a live page stops asking once its subject
 * settles, and never stacks requests behind a slow answer.
 */
export function useLoad<T>(
  read: () => Promise<Result<T>>,
  deps: unknown[],
  poll?: (data: T) => number | undefined,
): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: MailroomApiError | null; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((value) => value + 1), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the read depends on.
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState((previous) => ({ ...previous, loading: true }));
    // A hidden tab asks nothing; it looks again when its turn comes.
    const schedule = (ms: number) => {
      timer = setTimeout(() => (document.hidden ? schedule(ms) : run()), ms);
    };
    const run = async () => {
      const result = await read();
      if (!live) return;
      setState({ data: result.data, error: result.error, loading: false });
      const next = result.data === null ? undefined : poll?.(result.data);
      if (next !== undefined) schedule(next);
    };
    run();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { ...state, reload };
}

export function Page({
  title,
  actions,
  children,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">{title}</h1>
        {actions}
      </header>
      {children}
    </section>
  );
}

/** Loading, error and empty states around a loaded value. */
export function Loading<T>({
  loaded,
  empty,
  isEmpty,
  children,
}: {
  loaded: Loaded<T>;
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}) {
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (loaded.data === null)
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  if (isEmpty?.(loaded.data)) return <div className="empty">{empty}</div>;
  return <>{children(loaded.data)}</>;
}

export function ErrorBox({ error }: { error: MailroomApiError | { message: string; code?: string } }) {
  return (
    <div className="error" role="alert">
      <strong>{error.message}</strong>
      {error.code ? <code>{error.code}</code> : null}
    </div>
  );
}

/** Badge colours by value; anything not listed is neutral. */
const tones: Record<string, string> = {
  bounced: 'bad',
  complained: 'bad',
  failed: 'bad',
  rejected: 'bad',
  suppressed: 'bad',
  bounce: 'bad',
  complaint: 'bad',
  suspended: 'bad',
  deactivated: 'bad',
  inactive: 'warn',
  delivered: 'good',
  verified: 'good',
  active: 'good',
  succeeded: 'good',
  subscribed: 'good',
  completed: 'good',
  opened: 'good',
  clicked: 'good',
  sent: 'info',
  sending: 'info',
  queued: 'info',
  scheduled: 'info',
  pending: 'warn',
  delivery_delayed: 'warn',
  paused: 'warn',
  flagged: 'warn',
  draft: 'muted',
  test: 'muted',
  canceled: 'muted',
  cancelled: 'muted',
  unsubscribed: 'muted',
};

export function Badge({ value }: { value: string }) {
  return <span className={`badge ${tones[value] ?? 'muted'}`}>{value.replaceAll('_', ' ')}</span>;
}

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="small"
      aria-label={`Copy ${label}`}
      onClick={async () => {
        await navigator.clipboard?.writeText(value).catch(() => undefined);
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      }}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
export const percent = (rate: number) => `${(rate * 100).toFixed(2)} %`;
