import { Mailroom } from '@mailroom/sdk';

const storageKey = 'mailroom.key';

/**
 * The API key the console acts with, kept in this tab's `sessionStorage` only. The
 * local platform (`npm start`) hands its own key over in a meta tag, so it opens signed in.
 */
export function storedKey(): string | null {
  const local = document.querySelector<HTMLMetaElement>('meta[name="mailroom-local-key"]')?.content;
  return sessionStorage.getItem(storageKey) ?? (local || null);
}

export function rememberKey(key: string): void {
  sessionStorage.setItem(storageKey, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(storageKey);
  document.querySelector('meta[name="mailroom-local-key"]')?.remove();
}

/**
 * A client for the API on this origin (CloudFront sends `/api/*` to the HTTP API).
 * `onUnauthorized` hears of any 401: the key was revoked or is unknown.
 */
export function clientFor(key: string, onUnauthorized?: () => void): Mailroom {
  return new Mailroom(key, {
    baseUrl: window.location.origin,
    maxRetries: 1,
    fetch: async (request) => {
      const response = await fetch(request);
      if (response.status === 401) onUnauthorized?.();
      return response;
    },
  });
}
