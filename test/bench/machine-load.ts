import { loadavg } from 'node:os';

/** The machine's 1, 5 and 15 minute load averages (`load 1.57 2.07 2.02`), printed beside every figure. */
export const machineLoad = () =>
  `load ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}`;
