// How busy a page's main thread is while something runs: the longest task (Long Tasks API,
// tasks over 50 ms) and the longest gap between two animation frames (what a user sees as a
// freeze; meaningful in the tab in front only: browsers draw a background tab once a second). Installed before the page's scripts (addInitScript); counts between start and stop.
// Plain JavaScript text: functions compiled by tsx would carry helpers the page does not have.
import type { Page } from 'playwright-core';

export const MAIN_THREAD_PROBE = `
window.__probe = { on: false, longestTask: 0, longTasks: 0, longestFrameGap: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (__probe.on) { __probe.longTasks++; __probe.longestTask = Math.max(__probe.longestTask, e.duration); }
}).observe({ type: 'longtask', buffered: false });
(function frame(last) {
  requestAnimationFrame((now) => { if (__probe.on) __probe.longestFrameGap = Math.max(__probe.longestFrameGap, now - last); frame(now); });
})(performance.now());`;

export interface Busy {
  /** ms of the longest task, 0 if none was over 50 ms */
  longestTask: number;
  longTasks: number;
  /** ms of the longest time between two frames */
  longestFrameGap: number;
  visibility: DocumentVisibilityState;
}

export const startProbe = (page: Page) => page.evaluate(() => {
  const p = (window as unknown as { __probe: { on: boolean; longestTask: number; longTasks: number; longestFrameGap: number } }).__probe;
  Object.assign(p, { on: true, longestTask: 0, longTasks: 0, longestFrameGap: 0 });
});

export const stopProbe = (page: Page): Promise<Busy> => page.evaluate(() => {
  const p = (window as unknown as { __probe: { on: boolean; longestTask: number; longTasks: number; longestFrameGap: number } }).__probe;
  p.on = false;
  return { longestTask: p.longestTask, longTasks: p.longTasks, longestFrameGap: p.longestFrameGap, visibility: document.visibilityState };
});
