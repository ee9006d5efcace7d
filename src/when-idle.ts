/**
 * Runs `task` when the main thread is next idle (within 2 s; after 1 s where there is no
 * requestIdleCallback, as in Safari): for what a call wants soon but not while it connects
 * (the on-demand parts after joining).
 */
export const whenIdle = (task: () => void): unknown =>
  typeof requestIdleCallback === 'function' ? requestIdleCallback(task, { timeout: 2000 }) : setTimeout(task, 1000);
