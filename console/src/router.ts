import { useEffect, useState } from 'react';

const read = () =>
  (window.location.hash.replace(/^#\/?/, '') || 'overview').split('/').map(decodeURIComponent);

/** The page is the URL's hash (`#/emails/em_…`), so the static host needs no rewrite rules. */
export function useRoute(): string[] {
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;

export function navigate(...parts: string[]): void {
  window.location.hash = href(...parts);
}
