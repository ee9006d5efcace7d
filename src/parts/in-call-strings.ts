/**
 * The sentences of the in-call part (./in-call.ts): they come with it, not with the first
 * load, and join the catalog (src/strings.ts) when it loads. Same rules as the catalog.
 */
export const inCallEn = {
  // ---- the control bar
  'controls.label': 'Call controls',
  'controls.screen': 'Share screen',
  'controls.screenStop': 'Stop sharing',
  'controls.screenStart': 'Share your screen',
  'controls.popOut': 'Picture in picture',
  'controls.devices': 'Settings',
  'controls.devicesTitle': 'Camera, microphone and connection details',
  'controls.hand': 'Raise hand',
  'controls.react': 'Send a reaction',
  'controls.handLower': 'Lower hand',
  'controls.chat': 'Chat',
  'controls.chatUnread': 'Chat, {count} unread',
  'controls.leave': 'Leave call',

  // ---- announcements (read by screen readers, and the toasts): only in a call, which has this part
  'announce.joined': '{name} joined',
  'announce.left': '{name} left',
  'announce.hand': '{name} raised a hand',
  'announce.reaction': '{name} reacted {reaction}',
  'announce.message': '{name}: {text}',

  // ---- chat
  'chat.title': 'Chat',
  'chat.close': 'Close chat',
  'chat.you': 'You',
  'chat.message': 'Message',
  'chat.placeholder': 'Message everyone',
  'chat.send': 'Send',

  // ---- files (the toast for an offer too: the control bar, and so this part, is there in every call)
  'announce.file': '{name} wants to send you a file: {file}. Open the chat to accept it.',
  'files.title': 'Files',
  'files.send': 'Send a file to everyone',
  'files.sendTo': 'Send a file to {name}',
  'files.progress': 'Progress of {file}',
  'files.accept': 'Accept',
  'files.decline': 'Decline',
  'files.cancel': 'Cancel',
  'files.download': 'Save',
  'files.dismiss': 'Remove {file} from the list',
  'files.waiting': 'Waiting for {name} to accept',
  'files.offered': '{name} wants to send you this file',
  'files.sending': 'Sending to {name}…',
  'files.receiving': 'Receiving from {name}…',
  'files.verifying': 'Checking the file…',
  'files.sent': 'Sent to {name}',
  'files.received': 'Received from {name} and checked',
  'files.declined': '{name} declined',
  'files.too-large': 'Too large for {name} to accept',
  'files.declinedHere': 'Declined',
  'files.tooLargeHere': 'Declined: larger than this call accepts',
  'files.busy': '{name} has too many files waiting: try again in a moment',
  'files.cancelled': 'Cancelled',
  'files.peer-cancelled': 'Cancelled by {name}',
  'files.integrity': 'Damaged on the way, so discarded',
  'files.size': 'Not the size that was offered, so discarded',
  'files.connection': 'The connection was lost',
  'files.left': '{name} left the call',
  'files.unsupported': 'This page cannot check files (it is not served securely)',
  'files.failed': 'The file could not be sent',

  // ---- devices and connection (the settings panel)
  'devices.camera': 'Camera',
  'devices.microphone': 'Microphone',
  'devices.cameraN': 'Camera {n}',
  'devices.microphoneN': 'Microphone {n}',
  'devices.speaker': 'Speakers',
  'devices.speakerN': 'Speakers {n}',
  'path.host': 'direct connection',
  'path.srflx': 'direct connection through NAT',
  'path.prflx': 'direct connection through NAT',
  'path.relay': 'relayed through TURN',
  'stats.title': 'Connection',
  'stats.none': 'Nobody is connected yet.',
  'stats.waiting': 'measuring…',
  'stats.peer': 'Person',
  'stats.path': 'Path',
  'stats.rtt': 'Round trip',
  'stats.loss': 'Lost (in / out)',
  'stats.jitter': 'Jitter',
  'stats.bitrate': 'Kbit/s (in / out)',
  'stats.video': 'Video received',
  'stats.limited': 'your video is held back by {reason}',
  'limit.bandwidth': 'the network',
  'limit.cpu': 'this device’s processor',
  'limit.other': 'the browser',

  // ---- quality on the tiles
  'quality.fair': 'Weak connection',
  'quality.poor': 'Poor connection',
  'quality.because': '{quality}: {reasons}',
  'reason.rtt': 'slow round trip ({rtt} ms)',
  'reason.loss': 'packets lost ({loss} %)',
  'reason.jitter': 'uneven delivery ({jitter} ms jitter)',

  // ---- the stage
  'tile.hand': 'hand raised, number {position}',
  'tile.pin': 'Pin to the stage',
  'tile.unpin': 'Unpin',
  'tile.fullscreen': 'Full screen',
  'tile.pip': 'Picture in picture',
  'stage.speakerView': 'Speaker view',
  'stage.fullscreen': 'Whole call in full screen',

  // ---- the preview
  'prejoin.meter': 'Microphone level',

  // ---- notices
  'enableAudio': 'Enable audio',
  'hint.talkingWhileMuted': 'You are muted. Unmute to be heard.',
} as const;
