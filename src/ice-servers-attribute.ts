/** The `ice-servers` attribute: a JSON array of RTCIceServer; anything else is ignored with a warning. */
import type { IceServer } from './signaling/adapter.js';

export const iceServersConverter = {
  fromAttribute(value: string | null): IceServer[] | undefined {
    if (!value) return undefined;
    try {
      const parsed = JSON.parse(value) as unknown;
      return Array.isArray(parsed) ? (parsed as IceServer[]) : undefined;
    } catch {
      console.warn('<peer-call>: ice-servers is not valid JSON; ignored');
      return undefined;
    }
  },
  toAttribute: (value: IceServer[] | undefined) => (value ? JSON.stringify(value) : null),
};
