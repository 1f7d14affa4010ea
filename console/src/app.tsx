import type { Mailroom } from '@mailroom/sdk';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { CampaignsPage } from './pages/campaigns.tsx';
import { ContactsPage } from './pages/contacts.tsx';
import { DomainPage, DomainsPage } from './pages/domains.tsx';
import { EmailPage, EmailsPage } from './pages/emails.tsx';
import { KeysPage } from './pages/keys.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { SuppressionsPage } from './pages/suppressions.tsx';
import { TemplatesPage } from './pages/templates.tsx';
import { WebhooksPage } from './pages/webhooks.tsx';
import { href, useRoute } from './router.ts';
import { clientFor, forgetKey, storedKey } from './session.ts';

const sections = [
  ['overview', 'Overview'],
  ['emails', 'Emails'],
  ['domains', 'Domains'],
  ['templates', 'Templates'],
  ['contacts', 'Contacts'],
  ['campaigns', 'Campaigns'],
  ['suppressions', 'Suppressions'],
  ['webhooks', 'Webhooks'],
  ['keys', 'API keys'],
] as const;

function Content({ mailroom, route, signOut }: { mailroom: Mailroom; route: string[]; signOut: () => void }) {
  const [section, id] = route;
  switch (section) {
    case 'emails':
      return id ? <EmailPage key={id} mailroom={mailroom} id={id} /> : <EmailsPage mailroom={mailroom} />;
    case 'domains':
      return id ? <DomainPage key={id} mailroom={mailroom} id={id} /> : <DomainsPage mailroom={mailroom} />;
    case 'templates':
      return <TemplatesPage mailroom={mailroom} id={id} />;
    case 'contacts':
      return <ContactsPage mailroom={mailroom} listId={id} />;
    case 'campaigns':
      return <CampaignsPage mailroom={mailroom} id={id} />;
    case 'suppressions':
      return <SuppressionsPage mailroom={mailroom} />;
    case 'webhooks':
      return <WebhooksPage mailroom={mailroom} id={id} />;
    case 'keys':
      return <KeysPage mailroom={mailroom} onOwnKeyRevoked={signOut} />;
    default:
      return <OverviewPage mailroom={mailroom} />;
  }
}

export function App() {
  const [key, setKey] = useState(storedKey);
  const route = useRoute();
  const [keyName, setKeyName] = useState<string | null>(null);
  const signOut = useCallback(() => {
    forgetKey();
    setKey(null);
  }, []);
  // Any 401 (the key revoked, here or elsewhere) is the end of the session: back to sign-in.
  const mailroom = useMemo(() => (key ? clientFor(key, signOut) : null), [key, signOut]);

  useEffect(() => {
    setKeyName(null);
    if (!mailroom) return;
    let current = true;
    mailroom.account.get().then(({ data }) => {
      if (current && data) setKeyName(`${data.key.name} · ${data.key.mode}`);
    });
    return () => {
      current = false;
    };
  }, [mailroom]);

  if (!key || !mailroom) return <SignIn onSignedIn={setKey} />;
  return (
    <div className="shell">
      {/* A button, not a link: the hash is the page, so this moves the focus, not the route. */}
      <button type="button" className="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <nav className="sidebar" aria-label="Sections">
        <div className="brand">Mailroom</div>
        <ul>
          {sections.map(([section, label]) => (
            <li key={section}>
              <a href={href(section)} aria-current={route[0] === section ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
        <div className="session">
          <span className="muted">{keyName ?? ''}</span>
          <button type="button" className="small" onClick={signOut}>
            Sign out
          </button>
        </div>
      </nav>
      <main id="main" tabIndex={-1}>
        <Content mailroom={mailroom} route={route} signOut={signOut} />
      </main>
    </div>
  );
}
