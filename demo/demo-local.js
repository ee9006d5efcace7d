(() => {
  const pc = document.getElementById('pc');
  const saved = localStorage.getItem('peer-call-demo-name');
  if (saved) pc.name = saved;
})();
