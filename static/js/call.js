// A video call through Loket's SFU, shared by the resident's conversation page and the
// staff call page. The page owns the WebSocket; this module owns the camera, the peer
// connection with the server, the participant tiles, the call controls and real-time
// text (RFC 8865: data channels with sub-protocol "t140", one per other participant).
//
// The server is always the offerer: it sends `call_offer` when we join and again when
// someone joins or leaves; we answer. Our camera and microphone tracks are added before
// the first offer is applied, so they take the server's receive slots (JSEP), and every
// other participant's tracks arrive with their participant id as stream id.
//
// The call screen (static/css/call.css): one main tile as large as the stage allows (the
// pinned one, else the interpreter for the resident and the resident for staff), the
// others and the self view in a strip beside or below it (`--n` strip cells). The self
// view shows the camera from the start, also while waiting. A tile whose picture is
// black (a camera switched off sends black frames) or stopped says so in words. The
// messages panel opens and closes with a toggle that says its state (aria-expanded):
// open beside the video on wide screens, closed on phones until asked for.

// The simulcast layers the server asks for (rid: size divisor, highest bit rate): full
// size and QVGA, each at the full frame rate (sign language needs motion more than pixels).
// The small layer must fit a 250 kbit/s line beside two audio streams (about 96 kbit/s)
// with room for its keyframes: at 160 kbit/s a loaded CI machine measured 9 fps there.
const LAYERS = {
  h: { scale: 2, maxBitrate: 110000 },
  f: { scale: 1, maxBitrate: 1200000 },
};
const T140_PREFIX = 't140:';
const LINE_SEPARATOR = '\u2028';
const BACKSPACE = '\u0008';
const RTT_DELAY_MS = 100; // well under the 300 ms RFC 8865 allows
// A live line keeps only its last characters (a line is a sentence being typed; the
// server cuts chunks to 500 bytes and ~50 characters a second, this bounds the page too).
export const MAX_LIVE_CHARS = 300;
// Longest chunk the page looks at (the server never relays more than 500 bytes).
const MAX_CHUNK_CHARS = 1000;

// Parses `a=mid` / direction pairs of an SDP (only what we need: is this an answer slot).
function midsWithDirection(sdp) {
  const result = new Map();
  let mid = null;
  let dir = 'sendrecv';
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      if (mid !== null) result.set(mid, dir);
      mid = null;
      dir = 'sendrecv';
    } else if (line.startsWith('a=mid:')) {
      mid = line.slice(6).trim();
    } else if (/^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line.trim())) {
      dir = line.trim().slice(2);
    }
  }
  if (mid !== null) result.set(mid, dir);
  return result;
}

// Applies T.140 text to a live line: backspace erases one character, a line separator
// (or newline) ends the line. Returns [line, completed].
export function applyT140(line, text) {
  let chars = Array.from(line);
  let completed = false;
  for (const ch of text.slice(0, MAX_CHUNK_CHARS)) {
    if (ch === BACKSPACE) chars.pop();
    else if (ch === LINE_SEPARATOR || ch === '\n') { chars = []; completed = true; }
    else if (ch === '\r' || ch === '\uFEFF') continue;
    else chars.push(ch);
  }
  if (chars.length > MAX_LIVE_CHARS) chars = chars.slice(-MAX_LIVE_CHARS);
  return [chars.join(''), completed];
}

// What to send so that a receiver who shows `before` then shows `after`: backspaces back
// to the first difference, then the rest of the new text.
export function t140Diff(before, after) {
  const a = Array.from(before);
  const b = Array.from(after);
  let same = 0;
  while (same < a.length && same < b.length && a[same] === b[same]) same += 1;
  return BACKSPACE.repeat(a.length - same) + b.slice(same).join('');
}

export class Call {
  // root: the #call element (data-* texts and settings); send(frame): WebSocket send;
  // conversation: id for staff frames (null for the resident's socket).
  constructor(root, { send, conversation = null, selfId }) {
    this.root = root;
    this.sendFrame = send;
    this.conversation = conversation;
    this.selfId = selfId;
    this.d = root.dataset;
    this.iceServers = [];
    try { this.iceServers = JSON.parse(this.d.ice || '[]'); } catch { this.iceServers = []; }
    this.tiles = new Map(); // participant id -> { li, video, label, indicator, pin }
    this.streams = new Map(); // participant id -> MediaStream
    this.names = new Map(); // participant id -> { name, role }
    this.channels = new Map(); // participant id -> RTCDataChannel
    this.live = new Map(); // participant id -> live text line
    this.pinned = null;
    this.pc = null;
    this.local = null;
    this.joined = false;
    this.pendingCandidates = [];
    this.negotiating = Promise.resolve();
    this.rttSent = '';
    this.rttTimer = null;
    this.tileList = root.querySelector('#tiles');
    this.status = root.querySelector('#call-status');
    this.problem = root.querySelector('#media-problem');
    this.selfVideo = root.querySelector('#self-video');
    this.rttLines = document.getElementById('rtt-lines');
    this.micButton = root.querySelector('#toggle-mic');
    this.camButton = root.querySelector('#toggle-cam');
    this.soundButton = root.querySelector('#start-sound');
    this.selfTile = root.querySelector('.tile-self');
    this.panelButton = root.querySelector('#toggle-panel');
    this.panel = document.getElementById('call-panel');
    this.mediaPromise = null;
    for (const el of document.querySelectorAll('[data-needs-js]')) el.hidden = false;
    this.setUpPanel();
    this.layout();
    this.preview();
    this.micButton?.addEventListener('click', () => this.toggle('audio', this.micButton));
    this.camButton?.addEventListener('click', () => this.toggle('video', this.camButton));
    this.soundButton?.addEventListener('click', () => this.startSound());
    this.watchActivity();
  }

  frame(f) {
    return this.conversation === null ? f : { ...f, conversation: this.conversation };
  }

  say(text) {
    if (this.status && this.status.textContent !== text) this.status.textContent = text;
  }

  showProblem(text) {
    if (!this.problem) return;
    this.problem.hidden = !text;
    this.problem.textContent = text;
  }

  // The self view shows the camera before the call is joined too (not a black box).
  preview() {
    this.openMedia();
  }

  // Camera and microphone, asked for once (join() may ask while the preview still opens).
  openMedia() {
    if (!this.mediaPromise) this.mediaPromise = this.getMedia();
    return this.mediaPromise;
  }

  // Camera and microphone, with the devices chosen on the start page when there were.
  async getMedia() {
    if (this.local) return this.local;
    const camera = sessionStorage.getItem('loket.camera');
    const microphone = sessionStorage.getItem('loket.microphone');
    const video = {
      width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 25 },
      ...(camera ? { deviceId: { exact: camera } } : {}),
    };
    const audio = microphone ? { deviceId: { exact: microphone } } : true;
    const attempts = [{ video, audio }, { video: { ...video, deviceId: undefined }, audio: true }, { audio: true }, { video }];
    let lastError = null;
    if (!navigator.mediaDevices?.getUserMedia) {
      this.showProblem(this.d.noMedia);
      return null;
    }
    for (const constraints of attempts) {
      try {
        this.local = await navigator.mediaDevices.getUserMedia(constraints);
        break;
      } catch (e) {
        lastError = e;
      }
    }
    if (!this.local) {
      this.selfOff(true);
      this.showProblem(lastError && lastError.name === 'NotAllowedError' ? this.d.mediaRefused : this.d.noMedia);
      if (this.micButton) this.micButton.disabled = true;
      if (this.camButton) this.camButton.disabled = true;
      return null;
    }
    const hasVideo = this.local.getVideoTracks().length > 0;
    const hasAudio = this.local.getAudioTracks().length > 0;
    this.selfOff(!hasVideo);
    if (!hasVideo) { this.showProblem(this.d.noCamera); if (this.camButton) this.camButton.disabled = true; }
    if (!hasAudio) { this.showProblem(this.d.noMicrophone); if (this.micButton) this.micButton.disabled = true; }
    for (const track of this.local.getVideoTracks()) {
      // Sign language needs fluent motion: lose resolution before frame rate.
      if ('contentHint' in track) track.contentHint = 'motion';
    }
    if (this.selfVideo && hasVideo) {
      this.selfVideo.srcObject = this.local;
      this.selfVideo.play().catch(() => {});
    }
    return this.local;
  }

  async join() {
    if (this.joined) return;
    this.joined = true;
    this.say(this.d.connecting);
    await this.openMedia();
    this.sendFrame(this.frame({ type: 'call_join' }));
  }

  // After a reconnect of the WebSocket, or a failed connection: a fresh peer.
  rejoin() {
    if (!this.joined) return;
    this.closePeer();
    this.say(this.d.connecting);
    this.sendFrame(this.frame({ type: 'call_join' }));
  }

  leave() {
    if (!this.joined) return;
    this.joined = false;
    this.sendFrame(this.frame({ type: 'call_leave' }));
    this.closePeer();
    if (this.local) for (const t of this.local.getTracks()) t.stop();
    this.local = null;
    this.mediaPromise = null;
    if (this.selfVideo) this.selfVideo.srcObject = null;
    for (const b of [this.micButton, this.camButton]) if (b) b.setAttribute('aria-pressed', 'false');
  }

  closePeer() {
    if (this.pc) this.pc.close();
    this.pc = null;
    this.channels.clear();
    this.pendingCandidates = [];
    for (const id of [...this.tiles.keys()]) this.removeTile(id);
  }

  newPeer() {
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, bundlePolicy: 'max-bundle' });
    pc.addEventListener('icecandidate', (e) => {
      const c = e.candidate;
      this.sendFrame(this.frame({
        type: 'call_candidate',
        candidate: c ? c.candidate : '',
        sdp_mid: c ? c.sdpMid : null,
        sdp_mline_index: c ? c.sdpMLineIndex : null,
      }));
    });
    pc.addEventListener('track', (e) => {
      const stream = e.streams[0];
      if (!stream || stream.id === this.selfId) return;
      this.streams.set(stream.id, stream);
      this.attach(stream.id);
      stream.addEventListener('removetrack', () => {
        if (stream.getTracks().length === 0) this.removeTile(stream.id);
      });
    });
    pc.addEventListener('datachannel', (e) => this.addChannel(e.channel));
    pc.addEventListener('connectionstatechange', () => {
      if (pc !== this.pc) return;
      if (pc.connectionState === 'connected') { this.say(this.d.connected); this.failures = 0; }
      else if (pc.connectionState === 'failed') this.recover();
    });
    this.pc = pc;
    return pc;
  }

  // The media connection failed: say so, and join again (a few times, backing off).
  recover() {
    this.say(this.d.failed);
    this.failures = (this.failures || 0) + 1;
    if (!this.joined || this.failures > 5) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.rejoin(), 1000 * 2 ** Math.min(this.failures, 4));
  }

  onFrame(f) {
    switch (f.type) {
      case 'call_offer':
        this.negotiating = this.negotiating.then(() => this.answer(f.sdp)).catch((e) => {
          console.warn('call negotiation failed', e);
          this.say(this.d.failed);
        });
        return true;
      case 'call_candidate':
        this.negotiating = this.negotiating.then(() => this.addCandidate(f));
        return true;
      case 'call_state':
        if (f.state === 'failed') this.recover();
        return true;
      case 'call_line':
        // The server could not fit every video into this page's line (it paused one, or
        // sends a signer's smallest picture beyond what the line carries).
        this.serverShort = f.short === true;
        return true;
      case 'participants':
        this.roster(f.participants);
        return true;
      case 'error':
        if (f.code !== 'call_refused') return false;
        // A refused answer leaves the connection half-negotiated: start afresh.
        if (this.joined && this.pc) this.recover();
        return true;
      default:
        return false;
    }
  }

  async answer(sdp) {
    const pc = this.pc || this.newPeer();
    await pc.setRemoteDescription({ type: 'offer', sdp });
    // The server's receive slots (a=recvonly, one per kind) carry our camera and
    // microphone; without a device of that kind the slot is inactive.
    const dirs = midsWithDirection(sdp);
    const used = new Set();
    for (const t of pc.getTransceivers()) {
      if (!t.mid || dirs.get(t.mid) !== 'recvonly') continue;
      const kind = t.receiver.track.kind;
      if (used.has(kind)) continue;
      used.add(kind);
      const track = this.local ? this.local.getTracks().find((x) => x.kind === kind) : null;
      if (track) {
        if (t.sender.track !== track) {
          await t.sender.replaceTrack(track);
          t.sender.setStreams(this.local);
        }
        t.direction = 'sendonly';
      } else {
        t.direction = 'inactive';
      }
    }
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    this.sendFrame(this.frame({ type: 'call_answer', sdp: pc.localDescription.sdp }));
    for (const c of this.pendingCandidates.splice(0)) await this.addCandidate(c);
    await this.preferFrameRate();
  }

  async addCandidate(f) {
    if (!this.pc || !this.pc.remoteDescription) { this.pendingCandidates.push(f); return; }
    try {
      await this.pc.addIceCandidate(f.candidate
        ? { candidate: f.candidate, sdpMid: f.sdp_mid ?? undefined, sdpMLineIndex: f.sdp_mline_index ?? 0 }
        : null);
    } catch (e) {
      console.warn('candidate refused', e);
    }
  }

  // EN 301 549 6.5: keep the frame rate when bandwidth drops. When the server asked for
  // simulcast (two layers, named in its offer), the camera is sent at full and half size,
  // each at the full frame rate; the server gives every participant the size their line
  // carries. Without layers, the browser lowers the size of its one
  // stream rather than the frame rate.
  async preferFrameRate() {
    for (const sender of this.pc.getSenders()) {
      if (!sender.track || sender.track.kind !== 'video') continue;
      const params = sender.getParameters();
      let changed = false;
      if (params.degradationPreference !== 'maintain-framerate') {
        params.degradationPreference = 'maintain-framerate';
        changed = true;
      }
      for (const enc of params.encodings || []) {
        const layer = LAYERS[enc.rid];
        if (!layer || enc.scaleResolutionDownBy === layer.scale) continue;
        Object.assign(enc, { scaleResolutionDownBy: layer.scale, maxBitrate: layer.maxBitrate, maxFramerate: 25, active: true });
        changed = true;
      }
      if (!changed) continue;
      try { await sender.setParameters(params); } catch (e) { console.warn('video parameters', e); }
    }
  }

  roster(list) {
    this.names.clear();
    for (const p of list) this.names.set(p.id, { name: p.name, role: p.role });
    for (const id of [...this.tiles.keys()]) {
      if (!this.names.has(id)) this.removeTile(id);
      else this.label(id);
    }
    for (const id of [...this.live.keys()]) if (!this.names.has(id)) this.setLive(id, '');
    this.layout();
    const others = list.filter((p) => p.id !== this.selfId);
    if (this.pc && others.length === 0) this.say(this.d.alone);
  }

  nameOf(id) {
    return this.names.get(id)?.name || this.d.someone;
  }

  roleOf(id) {
    return this.names.get(id)?.role || 'agent';
  }

  // --- tiles -------------------------------------------------------------------------

  attach(id) {
    let tile = this.tiles.get(id);
    if (!tile) tile = this.addTile(id);
    const stream = this.streams.get(id);
    if (tile.video.srcObject !== stream) tile.video.srcObject = stream;
    tile.video.play().catch(() => { if (this.soundButton) this.soundButton.hidden = false; });
  }

  addTile(id) {
    const li = document.createElement('li');
    li.className = 'tile';
    li.dataset.participant = id;
    const figure = document.createElement('figure');
    const caption = document.createElement('figcaption');
    const label = document.createElement('span');
    label.className = 'tile-name';
    const indicator = document.createElement('span');
    indicator.className = 'tile-activity';
    const pin = document.createElement('button');
    pin.type = 'button';
    pin.className = 'button button-secondary tile-pin';
    pin.setAttribute('aria-pressed', 'false');
    pin.addEventListener('click', () => this.pin(id));
    caption.append(label, ' ', indicator);
    const media = document.createElement('div');
    media.className = 'tile-media';
    const video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    // Said in words when the picture is black (camera off) or no picture comes.
    const off = document.createElement('p');
    off.className = 'tile-off';
    off.hidden = true;
    // The pin lies on the picture's top corner, so the caption stays one short line.
    media.append(video, off, pin);
    figure.append(caption, media);
    li.append(figure);
    this.tileList.append(li);
    const tile = { li, video, label, indicator, pin, off, lastFrame: null, lastFrameAt: 0, since: Date.now(), offState: '' };
    this.watchFrames(tile);
    this.tiles.set(id, tile);
    this.label(id);
    this.layout();
    return tile;
  }

  label(id) {
    const tile = this.tiles.get(id);
    if (!tile) return;
    const name = this.nameOf(id);
    const role = this.roleOf(id);
    tile.li.dataset.role = role;
    tile.label.textContent = `${name} (${this.d[`role${role[0].toUpperCase()}${role.slice(1)}`] || role})`;
    tile.video.setAttribute('aria-label', this.d.videoOf.replace('{name}', name));
    this.sayOff(tile);
    // A short visible label; the accessible name says whom it pins and contains the
    // visible words (WCAG 2.5.3).
    tile.pin.textContent = this.d.pinShort;
    tile.pin.setAttribute('aria-label', this.d.pin.replace('{name}', name));
  }

  removeTile(id) {
    const tile = this.tiles.get(id);
    if (!tile) return;
    tile.video.srcObject = null;
    tile.li.remove();
    this.tiles.delete(id);
    this.streams.delete(id);
    if (this.pinned === id) this.pinned = null;
    this.layout();
  }

  pin(id) {
    this.pinned = this.pinned === id ? null : id;
    this.layout();
  }

  // The main tile: the pinned one, else the person this side needs to see most (the
  // interpreter for the resident; the resident for the interpreter and the agent).
  mainTile() {
    if (this.pinned && this.tiles.has(this.pinned)) return this.pinned;
    const want = this.selfId === 'resident' ? ['interpreter', 'agent'] : ['resident', 'interpreter', 'agent'];
    for (const role of want) {
      for (const id of this.tiles.keys()) if (this.roleOf(id) === role) return id;
    }
    return this.tiles.keys().next().value ?? null;
  }

  layout() {
    const main = this.mainTile();
    for (const [id, tile] of this.tiles) {
      const large = id === main;
      const pinned = this.pinned === id;
      tile.li.classList.toggle('tile-main', large);
      tile.li.classList.toggle('tile-large', large);
      tile.li.classList.toggle('tile-small', !large);
      tile.li.classList.toggle('tile-pinned', pinned);
      tile.pin.setAttribute('aria-pressed', pinned ? 'true' : 'false');
    }
    if (!this.tileList) return;
    // The strip beside or below the main tile: the other tiles and the self view.
    const self = this.selfTile && !this.selfTile.hidden ? 1 : 0;
    const strip = Math.max(1, this.tiles.size - (main ? 1 : 0) + self);
    this.tileList.style.setProperty('--n', String(strip));
    this.tileList.classList.toggle('solo', this.tiles.size === 0);
  }

  // --- the messages panel ------------------------------------------------------------

  // Open beside the video where there is room for both, closed on phones (a sheet under
  // the video when opened). While it is closed, the toggle says when something new came.
  setUpPanel() {
    if (!this.panelButton) return;
    if (!this.panel) { this.panelButton.hidden = true; return; }
    const roomy = window.matchMedia('(min-width: 44em) and (min-height: 30em)');
    this.showPanel(roomy.matches);
    // The default follows the screen when its width changes (a phone turned sideways, a
    // window made narrow); not its height, which an on-screen keyboard changes.
    window.matchMedia('(min-width: 44em)').addEventListener('change', () => this.showPanel(roomy.matches));
    this.panelButton.addEventListener('click', () => {
      this.showPanel(this.panelButton.getAttribute('aria-expanded') !== 'true');
    });
    const fresh = this.panelButton.querySelector('.panel-new');
    const watch = new MutationObserver(() => { if (this.panel.hidden && fresh) fresh.hidden = false; });
    for (const el of [document.getElementById('messages'), this.rttLines]) {
      if (el) watch.observe(el, { childList: true, subtree: true, characterData: true });
    }
  }

  showPanel(open) {
    this.panel.hidden = !open;
    this.panelButton.setAttribute('aria-expanded', open ? 'true' : 'false');
    const fresh = this.panelButton.querySelector('.panel-new');
    if (open && fresh) fresh.hidden = true;
  }

  // --- controls ----------------------------------------------------------------------

  toggle(kind, button) {
    if (!this.local) return;
    const tracks = kind === 'audio' ? this.local.getAudioTracks() : this.local.getVideoTracks();
    if (tracks.length === 0) return;
    const off = button.getAttribute('aria-pressed') !== 'true';
    for (const t of tracks) t.enabled = !off;
    button.setAttribute('aria-pressed', off ? 'true' : 'false');
    if (kind === 'video') this.selfOff(off);
    const text = kind === 'audio'
      ? (off ? this.d.micIsOff : this.d.micIsOn)
      : (off ? this.d.camIsOff : this.d.camIsOn);
    this.say(text);
  }

  // The self view says in words that the camera is off (or that there is none).
  selfOff(off) {
    const note = this.selfTile?.querySelector('.tile-off');
    if (note) note.hidden = !off;
  }

  startSound() {
    for (const tile of this.tiles.values()) tile.video.play().catch(() => {});
    if (this.soundButton) this.soundButton.hidden = true;
  }

  // Notes when each new frame of a tile's video is shown (to see when none come).
  watchFrames(tile) {
    const video = tile.video;
    if (typeof video.requestVideoFrameCallback === 'function') {
      const seen = () => {
        tile.lastFrameAt = Date.now();
        if (this.tiles.get(tile.li.dataset.participant) === tile) video.requestVideoFrameCallback(seen);
      };
      video.requestVideoFrameCallback(seen);
    } else {
      video.addEventListener('timeupdate', () => { tile.lastFrameAt = Date.now(); });
    }
  }

  // The tile's words for a missing picture: camera off, no picture, or nothing (gone).
  sayOff(tile) {
    const name = this.nameOf(tile.li.dataset.participant);
    const text = tile.offState === 'off' ? this.d.camOffOf : tile.offState === 'none' ? this.d.noPictureOf : '';
    tile.off.hidden = !text;
    tile.off.textContent = text.replace('{name}', name);
    tile.li.classList.toggle('tile-camera-off', Boolean(text));
  }

  // Who is speaking (audio level) or signing (movement in their picture). Shown on the
  // tile as text; not announced, to keep screen readers quiet.
  watchActivity() {
    const canvas = document.createElement('canvas');
    canvas.width = 16;
    canvas.height = 12;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    setInterval(async () => {
      if (!this.pc || this.tiles.size === 0) return;
      const levels = new Map();
      let stats = null;
      try {
        stats = await this.pc.getStats();
        const byTrack = new Map();
        for (const r of this.pc.getReceivers()) {
          if (r.track && r.track.kind === 'audio') byTrack.set(r.track.id, r);
        }
        stats.forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio' && typeof s.audioLevel === 'number') {
            for (const [id, stream] of this.streams) {
              if (stream.getAudioTracks().some((t) => t.id === s.trackIdentifier)) levels.set(id, s.audioLevel);
            }
          }
        });
      } catch { /* stats are best effort */ }
      if (stats) this.judgeLine(stats);
      for (const [id, tile] of this.tiles) {
        let moving = false;
        let dark = false;
        if (ctx && tile.video.videoWidth > 0) {
          ctx.drawImage(tile.video, 0, 0, 16, 12);
          const data = ctx.getImageData(0, 0, 16, 12).data;
          // A camera that is switched off sends black frames: one flat, dark picture.
          let lo = 255;
          let hi = 0;
          for (let i = 0; i < data.length; i += 4) {
            for (let c = 0; c < 3; c += 1) { lo = Math.min(lo, data[i + c]); hi = Math.max(hi, data[i + c]); }
          }
          dark = hi < 24 && hi - lo < 8;
          if (tile.lastFrame) {
            let diff = 0;
            for (let i = 0; i < data.length; i += 4) diff += Math.abs(data[i] - tile.lastFrame[i]);
            moving = diff / (data.length / 4) > 6;
          }
          tile.lastFrame = data;
        }
        // No picture: none for 4 s (stopped; a slow link still brings one now and then),
        // or none at all 4 s after the tile came.
        const now = Date.now();
        const stopped = now - (tile.lastFrameAt || tile.since) > 4000;
        const offState = dark ? 'off' : stopped ? 'none' : '';
        if (offState !== tile.offState) { tile.offState = offState; this.sayOff(tile); }
        const speaking = (levels.get(id) || 0) > 0.05;
        const text = speaking ? this.d.speaking : moving && !dark ? this.d.signing : '';
        if (tile.indicator.textContent !== text) tile.indicator.textContent = text;
        tile.li.classList.toggle('tile-active', speaking || moving);
      }
    }, 500);
  }

  // Whether this person's own line is too weak for smooth video, judged from what their
  // browser measures (every 500 ms, over the last 4 s): the video they receive arrives
  // with heavy loss and stalls, their browser cannot send its picture smoothly for lack
  // of bandwidth, or the server says it could not fit every video into their line
  // (`call_line`). Said once in #call-network when it starts (after 2 s of it, and not in
  // the first 8 s after someone joined or left) and once when it is over (after 4 s
  // without it), never repeated while it lasts.
  judgeLine(stats) {
    const box = this.root.querySelector('#call-network');
    if (!box) return;
    let received = 0;
    let lost = 0;
    let frames = 0;
    let streams = 0;
    let sendingBadly = false;
    stats.forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') {
        received += r.packetsReceived || 0;
        lost += Math.max(0, r.packetsLost || 0);
        frames += r.framesDecoded || 0;
        streams += 1;
      }
      if (r.type === 'outbound-rtp' && r.kind === 'video' && r.qualityLimitationReason === 'bandwidth'
        && typeof r.framesPerSecond === 'number' && r.framesPerSecond < 12) sendingBadly = true;
    });
    const now = performance.now();
    const line = this.line || (this.line = { history: [], weakFor: 0, fineFor: 0, weak: false, since: now });
    // Someone joined or left: the streams start anew (keyframes, the sender's bitrate
    // ramp-up). Judge again only after a settling time, so a call that is just starting is
    // not called weak.
    if (line.history.length && line.history[line.history.length - 1].streams !== streams) {
      line.history = [];
      line.since = now;
    }
    line.history.push({ now, received, lost, frames, streams });
    while (line.history.length > 1 && now - line.history[0].now > 4000) line.history.shift();
    const first = line.history[0];
    const secs = (now - first.now) / 1000;
    let receivingBadly = false;
    if (secs >= 2 && streams > 0 && streams === first.streams) {
      const got = received - first.received;
      const missed = lost - first.lost;
      const fps = (frames - first.frames) / secs / streams;
      receivingBadly = missed > 0 && missed / (got + missed) > 0.1 && fps < 12;
    }
    const weak = now - line.since >= 8000 && (receivingBadly || sendingBadly || this.serverShort === true);
    line.weakFor = weak ? line.weakFor + 1 : 0;
    line.fineFor = weak ? 0 : line.fineFor + 1;
    if (!line.weak && line.weakFor >= 4) {
      line.weak = true;
      box.hidden = false;
      box.textContent = this.d.weakLine;
      box.classList.add('call-network-weak');
    } else if (line.weak && line.fineFor >= 8) {
      line.weak = false;
      box.textContent = this.d.lineOk;
      box.classList.remove('call-network-weak');
      // The good news stays a while, then makes room (unless the line went weak again).
      setTimeout(() => { if (!line.weak) { box.hidden = true; box.textContent = ''; } }, 15000);
    }
  }

  // --- real-time text ----------------------------------------------------------------

  addChannel(channel) {
    if (!channel.label.startsWith(T140_PREFIX) || channel.protocol !== 't140') return;
    const id = channel.label.slice(T140_PREFIX.length);
    this.channels.set(id, channel);
    channel.addEventListener('open', () => {
      // Someone who joins sees what is being typed right now.
      if (this.rttSent) channel.send(this.rttSent);
    });
    channel.addEventListener('message', (e) => {
      if (typeof e.data !== 'string') return;
      const [line] = applyT140(this.live.get(id) || '', e.data);
      this.setLive(id, line);
    });
    channel.addEventListener('close', () => {
      if (this.channels.get(id) === channel) this.channels.delete(id);
      this.setLive(id, '');
    });
  }

  setLive(id, text) {
    if (text) this.live.set(id, text); else this.live.delete(id);
    if (!this.rttLines) return;
    let li = this.rttLines.querySelector(`li[data-participant="${CSS.escape(id)}"]`);
    if (!text) { if (li) li.remove(); this.rttEmpty(); return; }
    if (!li) {
      li = document.createElement('li');
      li.dataset.participant = id;
      const who = document.createElement('span');
      who.className = 'rtt-name';
      const body = document.createElement('span');
      body.className = 'rtt-text';
      li.append(who, ' ', body);
      this.rttLines.append(li);
    }
    li.querySelector('.rtt-name').textContent = `${this.nameOf(id)}:`;
    li.querySelector('.rtt-text').textContent = text;
    this.rttEmpty();
  }

  rttEmpty() {
    const empty = document.getElementById('rtt-empty');
    if (empty && this.rttLines) empty.hidden = this.rttLines.children.length > 0;
  }

  // The text box changed: send the difference within RTT_DELAY_MS.
  typed(value) {
    this.rttPending = value;
    if (this.rttTimer) return;
    this.rttTimer = setTimeout(() => {
      this.rttTimer = null;
      const diff = t140Diff(this.rttSent, this.rttPending);
      this.rttSent = this.rttPending;
      if (diff) this.broadcast(diff);
    }, RTT_DELAY_MS);
  }

  // The line was sent as a message: end it for everyone watching.
  lineDone() {
    clearTimeout(this.rttTimer);
    this.rttTimer = null;
    this.rttSent = '';
    this.rttPending = '';
    this.broadcast(LINE_SEPARATOR);
  }

  broadcast(text) {
    for (const channel of this.channels.values()) {
      if (channel.readyState === 'open') channel.send(text);
    }
  }
}
