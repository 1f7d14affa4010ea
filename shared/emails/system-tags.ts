/** SES message tags that tie every SES event back to its email, project, account (and campaign). */
export const systemTags = {
  emailId: 'mailroom_email_id',
  projectId: 'mailroom_project_id',
  accountId: 'mailroom_account_id',
  /** On campaign mail only: whose statistics its events count toward. */
  campaignId: 'mailroom_campaign_id',
  /**
   * On mail whose subject carries a secret only: the subject as webhooks show it
   * (base64url, since a tag value is letters, digits, `_` and `-`), so SES's events, which
   * repeat the real subject, never hand it on.
   */
  shownSubject: 'mailroom_shown_subject',
} as const;

/** The tag value for a shown subject (see `systemTags.shownSubject`); SES takes at most 256 characters. */
export const shownSubjectTag = (subject: string): string =>
  Buffer.from(subject, 'utf8').toString('base64url').slice(0, 256);

/** The shown subject a tag carries. */
export const shownSubjectOf = (tag: string): string => Buffer.from(tag, 'base64url').toString('utf8');
