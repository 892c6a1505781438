// The video start page's camera and microphone check: a preview, device choice and a
// microphone level meter. Optional: the call page asks for the devices again itself, using
// the choice made here (kept in sessionStorage for this tab only).
const root = document.getElementById('device-check');
if (root && navigator.mediaDevices?.getUserMedia) start(root);

function start(root) {
  root.hidden = false;
  const d = root.dataset;
  const button = document.getElementById('check-devices');
  const status = document.getElementById('device-status');
  const preview = document.getElementById('preview');
  const cameraSelect = document.getElementById('camera');
  const micSelect = document.getElementById('microphone');
  const meter = document.getElementById('mic-level');
  let stream = null;
  let audioContext = null;
  let meterTimer = null;

  function stop() {
    if (stream) for (const t of stream.getTracks()) t.stop();
    stream = null;
    clearInterval(meterTimer);
    if (audioContext) audioContext.close().catch(() => {});
    audioContext = null;
  }

  async function fill() {
    const devices = await navigator.mediaDevices.enumerateDevices();
    for (const [select, kind, key] of [[cameraSelect, 'videoinput', 'loket.camera'], [micSelect, 'audioinput', 'loket.microphone']]) {
      const chosen = sessionStorage.getItem(key) || '';
      select.replaceChildren();
      const def = document.createElement('option');
      def.value = '';
      def.textContent = d.defaultDevice;
      select.append(def);
      let n = 0;
      for (const dev of devices.filter((x) => x.kind === kind)) {
        n += 1;
        const o = document.createElement('option');
        o.value = dev.deviceId;
        o.textContent = dev.label || `${kind === 'videoinput' ? 'Camera' : 'Microphone'} ${n}`;
        if (dev.deviceId === chosen) o.selected = true;
        select.append(o);
      }
      select.disabled = false;
    }
  }

  function watchLevel() {
    const track = stream && stream.getAudioTracks()[0];
    if (!track || !window.AudioContext) return;
    audioContext = new AudioContext();
    const source = audioContext.createMediaStreamSource(new MediaStream([track]));
    const analyser = audioContext.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const data = new Uint8Array(analyser.fftSize);
    meterTimer = setInterval(() => {
      analyser.getByteTimeDomainData(data);
      let peak = 0;
      for (const v of data) peak = Math.max(peak, Math.abs(v - 128) / 128);
      meter.value = Math.min(1, peak * 2);
    }, 200);
  }

  async function check() {
    stop();
    const camera = cameraSelect.value;
    const microphone = micSelect.value;
    const video = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 25 }, ...(camera ? { deviceId: { exact: camera } } : {}) };
    const audio = microphone ? { deviceId: { exact: microphone } } : true;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video, audio });
    } catch (e) {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio });
      } catch {
        status.textContent = e && e.name === 'NotAllowedError' ? d.refused : d.none;
        return;
      }
    }
    preview.srcObject = stream;
    preview.play().catch(() => {});
    const parts = [];
    if (stream.getVideoTracks().length === 0) parts.push(d.noCamera);
    if (stream.getAudioTracks().length === 0) parts.push(d.noMicrophone);
    status.textContent = parts.length ? parts.join(' ') : d.ok;
    await fill();
    watchLevel();
  }

  button.addEventListener('click', check);
  for (const [select, key] of [[cameraSelect, 'loket.camera'], [micSelect, 'loket.microphone']]) {
    select.addEventListener('change', () => {
      if (select.value) sessionStorage.setItem(key, select.value); else sessionStorage.removeItem(key);
      check();
    });
  }
  // Leaving for the call: free the camera for the call page.
  window.addEventListener('pagehide', stop);
}
