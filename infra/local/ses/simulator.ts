/**
 * The SES mailbox simulator (`*@simulator.amazonses.com`), as SES documents it: each
 * address produces a fixed outcome, and `+label` forms (`bounce+42@…`) behave like
 * their base address. Any other recipient is treated as delivered.
 */
export type SimulatedOutcome = 'delivered' | 'bounce' | 'auto_reply' | 'complaint' | 'suppression_list';

const simulatorDomain = 'simulator.amazonses.com';

const outcomesByLocalPart: Record<string, SimulatedOutcome> = {
  success: 'delivered',
  bounce: 'bounce',
  ooto: 'auto_reply',
  complaint: 'complaint',
  suppressionlist: 'suppression_list',
};

export function simulatedOutcome(recipient: string): SimulatedOutcome {
  const at = recipient.lastIndexOf('@');
  if (recipient.slice(at + 1).toLowerCase() !== simulatorDomain) return 'delivered';
  const base = recipient.slice(0, at).split('+')[0]?.toLowerCase() ?? '';
  return outcomesByLocalPart[base] ?? 'delivered';
}
