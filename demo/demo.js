// The demo page: choose or type a room, share the link, and the call is the <peer-call> element.
(() => {
  const ROOM = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,63}$/;
  const words = ['amber', 'brisk', 'cedar', 'dune', 'ember', 'fjord', 'grove', 'harbor', 'iris', 'juniper', 'kelp', 'lumen', 'maple', 'nova', 'onyx', 'pine', 'quartz', 'river', 'sage', 'tide'];
  const pick = () => words[Math.floor(Math.random() * words.length)];
  const randomRoom = () => `${pick()}-${pick()}-${Math.floor(100 + Math.random() * 900)}`;

  const params = new URLSearchParams(location.search);
  const room = params.get('room');
  const snippet = `<script src="${location.origin}/peer-call.js"></script>\n<peer-call room="${room && ROOM.test(room) ? room : 'standup'}"></peer-call>`;
  document.getElementById('snippet').textContent = snippet;

  if (!room || !ROOM.test(room)) {
    const start = document.getElementById('start');
    start.hidden = false;
    const input = document.getElementById('room-input');
    input.value = room ? room.replace(/[^A-Za-z0-9._~-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64) : randomRoom();
    document.getElementById('room-form').addEventListener('submit', (e) => {
      e.preventDefault();
      if (!input.reportValidity()) return;
      location.search = `?room=${encodeURIComponent(input.value)}`;
    });
    return;
  }

  const link = `${location.origin}/?room=${encodeURIComponent(room)}`;
  document.getElementById('call').hidden = false;
  document.getElementById('call-title').textContent = room;
  document.title = `${room} — peer-call`;
  const share = document.getElementById('share-url');
  share.value = link;
  document.getElementById('new-tab').href = link;
  const copy = document.getElementById('copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(link);
      copy.textContent = 'Copied';
    } catch {
      share.select();
      copy.textContent = 'Press Ctrl+C';
    }
    setTimeout(() => (copy.textContent = 'Copy link'), 2000);
  });

  const pc = document.getElementById('pc');
  const saved = localStorage.getItem('peer-call-demo-name');
  if (saved) pc.name = saved;
  pc.addEventListener('peer-call-joined', (e) => localStorage.setItem('peer-call-demo-name', e.self.name));
  pc.room = room;
})();
