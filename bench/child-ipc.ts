import type { ChildProcess } from 'node:child_process';

/**
 * Sends `message` to a bench child process (none if it is empty) and resolves with its first
 * answer that has `key`; rejects on an answer with `error`, or after `timeoutMs`.
 */
export function ask<T>(child: ChildProcess, message: object, key: string, timeoutMs = 600_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${key}" answer`)), timeoutMs);
    const onMessage = (m: Record<string, unknown>) => {
      if ('error' in m) {
        clearTimeout(timer);
        child.off('message', onMessage);
        reject(new Error(String(m['error'])));
      } else if (key in m) {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(m as T);
      }
    };
    child.on('message', onMessage);
    if (Object.keys(message).length) child.send(message);
  });
}
