import { TtlCache } from '#shared/cache/ttl-cache.ts';
import { hmacHex, sameDigest, signingKeys } from '#shared/secrets/signing-keys.ts';
import { settings } from '#shared/settings.ts';

/** What an unsubscribe link names: the contact of a project, and the campaign whose mail carried it. */
export interface UnsubscribeClaim {
  projectId: string;
  /** `test` for the links of a test send, which change nothing. */
  contactId: string;
  campaignId: string;
}

export const testContact = 'test';

/** The query parameter that marks the `List-Unsubscribe` header's address: opening it (GET) only asks. */
export const confirmParameter = 'confirm';

const prefix = 'tok_unsub_';
// The purpose is part of what is signed, so a signature made for anything else never passes here.
const purpose = 'mailroom.unsubscribe.v1';
const idPattern = /^[a-z]+_[0-9A-Za-z]+$|^test$/;

const signed = (keyId: string, body: string) => `${purpose}\n${keyId}\n${body}`;

/**
 * A link token: `tok_unsub_<key id>.<project>.<contact>.<campaign>.<HMAC-SHA256>`, signed
 * with the stack's current signing key. It never expires (an opt-out must work in old
 * mail) and holds no secret: only the signature makes it unforgeable.
 */
export async function unsubscribeToken(claim: UnsubscribeClaim): Promise<string> {
  const keys = await signingKeys();
  const body = [claim.projectId, claim.contactId, claim.campaignId].join('.');
  return `${prefix}${keys.currentId}.${body}.${hmacHex(keys, keys.currentId, signed(keys.currentId, body))}`;
}

/** Fresh reads for unknown key ids, at most one per `lifetimes.unknownSigningKey`: forged ids must not drive Secrets Manager. */
const freshReads = new TtlCache<'read', true>(() => settings().lifetimes.unknownSigningKey);

/**
 * Whether a key id this instance lacks may have been added since its copy (a rotation):
 * only ids after the current one, and then only once per lifetime.
 */
function mayBeNewer(keyId: string, currentId: string): boolean {
  if (Number(keyId.slice(1)) <= Number(currentId.slice(1))) return false;
  return freshReads.firstInLifetime('read', true);
}

/**
 * The claim of a token whose signature holds (compared in constant time), or undefined
 * for anything forged, altered or malformed. A key id this instance does not know yet
 * (rotated within its cache) is looked up once more (see `mayBeNewer`).
 */
export async function readUnsubscribeToken(token: string): Promise<UnsubscribeClaim | undefined> {
  if (!token.startsWith(prefix) || token.length > 400) return undefined;
  const parts = token.slice(prefix.length).split('.');
  if (parts.length !== 5) return undefined;
  const [keyId = '', projectId = '', contactId = '', campaignId = '', mac = ''] = parts;
  if (
    !/^k\d{1,6}$/.test(keyId) ||
    !/^[0-9a-f]{64}$/.test(mac) ||
    ![projectId, contactId, campaignId].every((id) => idPattern.test(id))
  )
    return undefined;
  const body = [projectId, contactId, campaignId].join('.');
  let keys = await signingKeys();
  if (keys.key(keyId) === undefined && mayBeNewer(keyId, keys.currentId))
    keys = await signingKeys({ fresh: true });
  const expected = hmacHex(keys, keyId, signed(keyId, body));
  if (expected === undefined || !sameDigest(expected, mac)) return undefined;
  return { projectId, contactId, campaignId };
}
