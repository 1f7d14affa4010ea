/** SES message tags that tie every SES event back to its email, project, account (and campaign). */
export const systemTags = {
  emailId: 'mailroom_email_id',
  projectId: 'mailroom_project_id',
  accountId: 'mailroom_account_id',
  /** On campaign mail only: whose statistics its events count toward. */
  campaignId: 'mailroom_campaign_id',
} as const;
