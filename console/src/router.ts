import { useEffect, useState } from 'react';

/** A part as written when it is not valid percent-encoding (a hand-typed `%E0`). */
const decoded = (part: string) => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};
const read = () => (window.location.hash.replace(/^#\/?/, '') || 'overview').split('/').map(decoded);

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
