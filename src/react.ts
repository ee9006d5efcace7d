/**
 * `peer-call/react`: <peer-call> as a React component, for React 18 (React 19 can use the
 * tag itself, typed by `peer-call/react-jsx`). Built on @lit/react's createComponent:
 * properties are set as properties, and the element's events are the on... props below,
 * typed with their event classes. Importing this module registers <peer-call>.
 *
 * ```tsx
 * import { PeerCall } from 'peer-call/react';
 * <PeerCall room="standup" onPeerCallMessage={(e) => console.log(e.message.text)} />
 * ```
 *
 * Needs `react` and `@lit/react` (optional peer dependencies of peer-call).
 */
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import { PeerCallElement } from './peer-call.js';
import {
  ChatMessageEvent,
  JoinedEvent,
  LeftEvent,
  PeerCallErrorEvent,
  PeerJoinedEvent,
  PeerLeftEvent,
  StateChangeEvent,
} from './events.js';

export const PeerCall = createComponent({
  react: React,
  tagName: 'peer-call',
  elementClass: PeerCallElement,
  displayName: 'PeerCall',
  events: {
    onPeerCallJoined: JoinedEvent.type as EventName<JoinedEvent>,
    onPeerCallLeft: LeftEvent.type as EventName<LeftEvent>,
    onPeerCallPeerJoined: PeerJoinedEvent.type as EventName<PeerJoinedEvent>,
    onPeerCallPeerLeft: PeerLeftEvent.type as EventName<PeerLeftEvent>,
    onPeerCallMessage: ChatMessageEvent.type as EventName<ChatMessageEvent>,
    onPeerCallState: StateChangeEvent.type as EventName<StateChangeEvent>,
    onPeerCallError: PeerCallErrorEvent.type as EventName<PeerCallErrorEvent>,
  },
});

export { PeerCallElement };
