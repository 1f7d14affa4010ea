/** Region and dummy credentials for every local stand-in (DynamoDB Local wants alphanumeric keys). */
export const localAws = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'mailroomlocal', secretAccessKey: 'mailroomlocal' },
};

/** The account id the local stand-ins put in ARNs, as fauxqs does. */
export const localAccountId = '000000000000';
