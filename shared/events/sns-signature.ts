import { createVerify } from 'node:crypto';

/** The fields of an SNS notification that its signature covers, in AWS's order. */
export interface SignedNotification {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  Subject?: string;
  SignatureVersion?: string;
  Signature?: string;
  SigningCertURL?: string;
}

/** Only certificates served by SNS itself, over HTTPS, are trusted. */
const certificateUrl =
  /^https:\/\/sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/SimpleNotificationService-[A-Za-z0-9]+\.pem$/;

/** The canonical string SNS signs for a Notification ("Verifying the signatures of Amazon SNS messages"). */
export function stringToSign(notification: SignedNotification): string {
  const fields: [string, string | undefined][] = [
    ['Message', notification.Message],
    ['MessageId', notification.MessageId],
    ['Subject', notification.Subject],
    ['Timestamp', notification.Timestamp],
    ['TopicArn', notification.TopicArn],
    ['Type', notification.Type],
  ];
  return fields
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}\n${value}\n`)
    .join('');
}

export type CertificateFetcher = (url: string) => Promise<string>;

const certificates = new Map<string, Promise<string>>();

/** Fetches (once per function instance) the PEM certificate SNS signs with. */
const fetchCertificate: CertificateFetcher = (url) => {
  let certificate = certificates.get(url);
  if (!certificate) {
    certificate = fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5000) }).then(
      async (response) => {
        if (!response.ok) throw new Error(`SNS certificate ${url}: HTTP ${response.status}`);
        return response.text();
      },
    );
    certificate.catch(() => certificates.delete(url));
    certificates.set(url, certificate);
  }
  return certificate;
};

/**
 * Whether the notification carries a valid SNS signature (version 1, SHA1withRSA, or
 * version 2, SHA256withRSA) made with a certificate from an SNS URL.
 */
export async function hasValidSnsSignature(
  notification: SignedNotification,
  fetcher: CertificateFetcher = fetchCertificate,
): Promise<boolean> {
  const { Signature, SignatureVersion, SigningCertURL } = notification;
  if (!Signature || !SigningCertURL || !certificateUrl.test(SigningCertURL)) return false;
  const algorithm =
    SignatureVersion === '1' ? 'RSA-SHA1' : SignatureVersion === '2' ? 'RSA-SHA256' : undefined;
  if (!algorithm) return false;
  const certificate = await fetcher(SigningCertURL);
  return createVerify(algorithm)
    .update(stringToSign(notification), 'utf8')
    .verify(certificate, Signature, 'base64');
}
