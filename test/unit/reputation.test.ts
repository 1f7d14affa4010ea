import { describe, expect, it } from 'vitest';
import {
  bucketMinutes,
  bucketStart,
  defaultThresholds,
  judge,
  windowBuckets,
} from '#shared/reputation/reputation-policy.ts';

const minute = 60_000;

describe('the 24-hour window', () => {
  it('puts an event in the bucket that starts at or before it', () => {
    const t = Date.parse('2026-11-22T10:27:59.999Z');
    expect(new Date(bucketStart(t)).toISOString()).toBe('2026-11-22T10:20:00.000Z');
    expect(bucketStart(Date.parse('2026-11-22T10:30:00.000Z'))).toBe(Date.parse('2026-11-22T10:30:00.000Z'));
  });

  it('spans the buckets after now − 24 h up to the current one', () => {
    const now = Date.parse('2026-11-22T10:25:00.000Z');
    const { first, last } = windowBuckets(now);
    expect(new Date(last).toISOString()).toBe('2026-11-22T10:20:00.000Z');
    expect(new Date(first).toISOString()).toBe('2026-11-21T10:30:00.000Z');
    expect((last - first) / (bucketMinutes * minute) + 1).toBe(24 * 6);
  });

  it('drops an event exactly 24 hours old, and keeps one a bucket younger', () => {
    const now = Date.parse('2026-11-22T10:20:00.000Z');
    const { first } = windowBuckets(now);
    expect(bucketStart(now - 24 * 60 * minute)).toBeLessThan(first);
    expect(bucketStart(now - 24 * 60 * minute + bucketMinutes * minute)).toBe(first);
  });
});

describe('the status machine', () => {
  const judged = (
    sends: number,
    bounces: number,
    complaints = 0,
    current: Parameters<typeof judge>[0] = 'active',
  ) => judge(current, { sends, bounces, complaints })?.status;

  it('waits for the minimum volume', () => {
    expect(judged(defaultThresholds.minimumSends - 1, 50)).toBeUndefined();
  });

  it('flags at exactly 2 % bounces or 0.05 % complaints, not just below', () => {
    expect(judged(1000, 19)).toBeUndefined();
    expect(judged(1000, 20)).toBe('flagged');
    expect(judged(10_000, 0, 4)).toBeUndefined();
    expect(judged(10_000, 0, 5)).toBe('flagged');
  });

  it('suspends at the critical levels, from active or flagged', () => {
    expect(judged(1000, 50)).toBe('suspended');
    expect(judged(1000, 0, 1)).toBe('suspended');
    expect(judged(1000, 49, 0, 'flagged')).toBeUndefined();
    expect(judged(1000, 50, 0, 'flagged')).toBe('suspended');
  });

  it('never recovers by itself and never leaves deactivated', () => {
    expect(judged(1000, 0, 0, 'flagged')).toBeUndefined();
    expect(judged(1000, 900, 0, 'deactivated')).toBeUndefined();
    expect(judged(1000, 900, 0, 'suspended')).toBeUndefined();
  });

  it('says why, with the figures', () => {
    expect(judge('active', { sends: 1000, bounces: 20, complaints: 0 })?.reason).toMatch(
      /bounce rate: 1000 sends, 20 hard bounces \(2\.00 %\)/,
    );
  });
});
