/**
 * Sentences the Call (and its transport) says only once it is in a room: they come with the
 * Call's in-room part (./in-room.ts), for the element and for headless pages alike, not with
 * the first load, and join the catalog (src/strings.ts) when it loads. The Call asks for the
 * part when joining starts, so it is there before a link's first negotiation; errors are
 * worded when read in any case. Same rules as the catalog.
 */
export const inRoomEn = {
  'error.turn-failed': 'TURN looks misconfigured: no relay candidate for the connection to {name} ({detail}).',
  'hint.turn-failed': "Check the server's TURN_URLS and TURN_SECRET (and that coturn runs with the same secret), or allow direct connections.",
  'error.negotiation-failed': 'The connection to {name} was refused by this browser ({detail}); starting it again.',
  'error.chat-too-long': 'Messages can be at most {max} characters (this one has {length}).',
  'error.chat-unavailable': 'Nobody is connected yet: the message was not sent.',
  'signaling.restarting': 'The call server is restarting.',
  'signaling.replaced': 'This call was opened again somewhere else.',
  'signaling.serverClosed': 'The call server closed the connection.',
  'signaling.lost': 'Lost the connection to the call server; reconnecting.',
  'error.removed': 'A host removed you from the call.',
  'error.denied': 'A host did not let you in.',
  'error.lobby-timeout': 'Nobody let you in in time. Join again to knock once more.',
} as const;
