/**
 * How large a request may be on each transport. API Gateway refuses REST bodies over 10
 * MB before any function runs (on AWS with its own `{"message":"Request Entity Too
 * Large"}`); attachments travel base64 in JSON, so a REST email carries about 7.5 MB of
 * files. SMTP carries a whole message of up to 40 MB, SES's own limit.
 */
export const restBodyLimitBytes = 10 * 1024 * 1024;

/** What a too-large send request is told to do instead. */
export const largeEmailAdvice =
  'A REST request carries at most 10 MB (attachments are base64, so about 7.5 MB of files); send larger emails, up to 40 MB, over SMTP (GET /api/v1/smtp tells where).';
