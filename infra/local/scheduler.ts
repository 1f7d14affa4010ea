import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import type { ScheduledJob } from '#shared/resources.ts';
import { localAccountId, localAws } from './local-aws.ts';

/**
 * EventBridge schedules, locally: invokes each job's handler with a `ScheduledEvent`
 * every `intervalSeconds` (shorter than on AWS, so a developer sees results quickly),
 * hourly jobs twelve times less often.
 * A run never overlaps the previous one of the same job.
 */
export function startScheduler(
  jobs: Record<string, ScheduledJob>,
  intervalSeconds: number,
  invoke: (job: string, event: ScheduledEvent) => Promise<unknown>,
): { stop: () => void } {
  const timers = Object.entries(jobs).map(([name, job]) => {
    let running = false;
    // Jobs of a minute or five run every interval; slower ones as much more seldom as on
    // AWS (an hourly sweep twelve times less often), so they add no load they would not add there.
    const every = intervalSeconds * Math.max(1, Math.round(job.rateMinutes / 5));
    return setInterval(async () => {
      if (running) return;
      running = true;
      const event: ScheduledEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: localAccountId,
        time: new Date().toISOString(),
        region: localAws.region,
        resources: [`arn:aws:events:${localAws.region}:${localAccountId}:rule/mailroom-local-${name}`],
        detail: {},
      };
      try {
        await invoke(name, event);
      } catch (error) {
        console.error(`local schedule ${name} failed`, error);
      } finally {
        running = false;
      }
    }, every * 1000);
  });
  return { stop: () => timers.forEach(clearInterval) };
}
