import { useState } from 'react';
import { clientFor, rememberKey } from '../session.ts';
import { ErrorBox } from '../ui.tsx';

/** Paste a key: it is checked against the API, then kept in this tab only. */
export function SignIn({ onSignedIn }: { onSignedIn: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<{ message: string; code?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main className="sign-in">
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          const candidate = key.trim();
          if (!/^ak_(live|test)_[0-9a-f]{64}$/.test(candidate)) {
            setError({
              message: 'A Mailroom key looks like ak_live_… or ak_test_… followed by 64 hex digits.',
            });
            return;
          }
          setBusy(true);
          const { error: refused } = await clientFor(candidate).account.get();
          setBusy(false);
          if (refused) return setError(refused);
          rememberKey(candidate);
          onSignedIn(candidate);
        }}
      >
        <h1>Mailroom</h1>
        <p className="muted">
          Sign in with an API key. It stays in this browser tab and is sent only to this API.
        </p>
        <label>
          API key
          <input
            name="key"
            type="password"
            autoComplete="off"
            value={key}
            onChange={(event) => setKey(event.target.value)}
            placeholder="ak_live_…"
            required
          />
        </label>
        {error ? <ErrorBox error={error} /> : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
