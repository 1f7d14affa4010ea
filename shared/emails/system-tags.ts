/** SES message tags that tie every SES event back to its email, project and account. */
export const systemTags = {
  emailId: 'mailroom_email_id',
  projectId: 'mailroom_project_id',
  accountId: 'mailroom_account_id',
} as const;
