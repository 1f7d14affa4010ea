import { describe, expect, it } from 'vitest';
import { carriedOver, currentAllowance, fixedWindow, tightest } from '#shared/limits/window-math.ts';

describe('sliding-window arithmetic', () => {
  it('places a time in its fixed window, at the edges too', () => {
    expect(fixedWindow(60_000, 60)).toEqual({ index: 1, elapsed: 0, endsAt: 120_000 });
    expect(fixedWindow(119_999, 60).index).toBe(1);
    expect(fixedWindow(119_999, 60).elapsed).toBeCloseTo(0.99998, 4);
  });

  it('carries the whole previous window at its start and none at its end', () => {
    expect(carriedOver(100, 0)).toBe(100);
    expect(carriedOver(100, 0.5)).toBe(50);
    expect(carriedOver(100, 0.999)).toBe(0);
  });

  it('leaves the current window what the previous one does not use', () => {
    expect(currentAllowance(100, 100, 0)).toBe(0);
    expect(currentAllowance(100, 100, 0.25)).toBe(25);
    expect(currentAllowance(100, 0, 0.9)).toBe(100);
    expect(currentAllowance(10, 50, 0.1)).toBe(0);
  });

  it('picks the window with the least room left', () => {
    expect(tightest([])).toBeUndefined();
    expect(
      tightest([
        { limit: 100, remaining: 40, reset: 1 },
        { limit: 10, remaining: 3, reset: 2 },
      ]),
    ).toEqual({
      limit: 10,
      remaining: 3,
      reset: 2,
    });
  });
});
