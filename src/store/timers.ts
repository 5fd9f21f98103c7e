/**
 * The clock and timers the bridge's parts use, passed in so that a Node test can move time by hand
 * (bridgeFakes.testing.ts) while the page passes the browser's (workerBridge.ts).
 */
export type TimerHandle = number;

export interface Timers {
  /** Monotonic milliseconds (performance.now() in the page): the heartbeat and the drawing's round trip. */
  now(): number;
  /** Milliseconds since 1970 (Date.now() in the page): when a kept run was saved. */
  dateNow(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(callback: () => void, ms: number): TimerHandle;
}
