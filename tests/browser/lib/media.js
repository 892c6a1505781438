// Media helpers for the call tests: a generated 25 fps camera clip, Chromium flags for
// fake devices, and per-participant WebRTC statistics read from the pages.
import { openSync, writeSync, closeSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';
import { CHROMIUM } from './browser.js';

/**
 * Writes a Y4M clip (640x480, `fps` frames per second, `seconds` long, looped by Chromium)
 * that looks to an encoder like a webcam on a signer: a still wall and body, a face whose
 * mouth moves, two hands moving fast across the upper body, and a little sensor grain
 * over the whole picture, so every frame differs. No ffmpeg needed.
 *
 * Until 2026-11-30 the clip was a diagonal gradient that moved every pixel in every frame:
 * a worst case no camera produces, which cost each VP8 encoder 26-33 ms a frame and left
 * three browsers on two cores capturing at 21 fps.
 */
export function makeClip({ width = 640, height = 480, fps = 25, seconds = 2 } = {}) {
  const dir = join(tmpdir(), 'loket-media');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `signer-${width}x${height}-${fps}.y4m`);
  if (existsSync(file)) return file;
  const fd = openSync(file, 'w');
  writeSync(fd, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
  const ySize = width * height;
  const cw = width / 2;
  const cSize = cw * (height / 2);
  const frame = Buffer.alloc(ySize + 2 * cSize);
  const frames = fps * seconds;
  const cx = width / 2;
  // A small deterministic pseudo-random sequence for the grain.
  let seed = 12345;
  const grain = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return (seed >> 16) % 5 - 2; };
  const inBox = (x, y, bx, by, w, h) => x >= bx && x < bx + w && y >= by && y < by + h;
  for (let n = 0; n < frames; n++) {
    const a = (2 * Math.PI * n) / frames;
    // Hands: two 64x64 blocks moving on loops in front of the body (one loop per clip).
    const hands = [
      [Math.round(cx - 150 + 90 * Math.cos(2 * a)), Math.round(260 + 70 * Math.sin(a))],
      [Math.round(cx + 86 + 90 * Math.sin(2 * a)), Math.round(250 + 70 * Math.cos(a))],
    ];
    const mouth = 6 + Math.round(6 * Math.abs(Math.sin(3 * a)));
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let v = 70 + (((x >> 5) + (y >> 5)) % 2) * 12; // the wall
        if (inBox(x, y, cx - 140, 250, 280, height - 250)) v = 95; // body
        if (inBox(x, y, cx - 20, 210, 40, 40)) v = 150; // neck
        if (inBox(x, y, cx - 60, 90, 120, 130)) v = 170; // face
        if (inBox(x, y, cx - 25, 185 - mouth / 2, 50, mouth)) v = 60; // mouth
        if (hands.some(([hx, hy]) => inBox(x, y, hx, hy, 64, 64))) v = 200;
        frame[y * width + x] = v + grain();
      }
    }
    // Colour: a bluish wall, a warm face and hands.
    for (let y = 0; y < height / 2; y++) {
      for (let x = 0; x < cw; x++) {
        const skin = inBox(2 * x, 2 * y, cx - 60, 90, 120, 160) || hands.some(([hx, hy]) => inBox(2 * x, 2 * y, hx, hy, 64, 64));
        frame[ySize + y * cw + x] = skin ? 110 : 140;
        frame[ySize + cSize + y * cw + x] = skin ? 150 : 120;
      }
    }
    writeSync(fd, 'FRAME\n');
    writeSync(fd, frame);
  }
  closeSync(fd);
  return file;
}

/** Headless Chromium with a fake camera (the clip) and microphone, loopback ICE allowed. */
export function launchWithMedia(clip) {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required',
      ...(clip ? [`--use-file-for-fake-video-capture=${clip}`] : []),
    ],
  });
}

/** Keeps every RTCPeerConnection a page creates in window.__pcs (for getStats). */
export async function recordPeers(context) {
  await context.addInitScript(() => {
    const Original = window.RTCPeerConnection;
    if (!Original) return;
    window.__pcs = [];
    window.RTCPeerConnection = class extends Original {
      constructor(...args) { super(...args); window.__pcs.push(this); }
    };
  });
}

/**
 * What the page receives from each participant tile: { [participantId]: { video: {frames,
 * width, height}, audioPackets } }, from the inbound-rtp stats of the open connections.
 */
export function received(page) {
  return page.evaluate(async () => {
    const out = {};
    const stats = [];
    for (const pc of window.__pcs || []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((r) => { if (r.type === 'inbound-rtp') stats.push(r); });
    }
    for (const li of document.querySelectorAll('li.tile')) {
      const stream = li.querySelector('video').srcObject;
      if (!stream) continue;
      const ids = new Set(stream.getTracks().map((t) => t.id));
      const entry = { video: null, audioPackets: 0 };
      for (const r of stats) {
        if (!ids.has(r.trackIdentifier)) continue;
        if (r.kind === 'video') entry.video = { frames: r.framesDecoded || 0, width: r.frameWidth || 0, height: r.frameHeight || 0 };
        if (r.kind === 'audio') entry.audioPackets = r.packetsReceived || 0;
      }
      out[li.dataset.participant] = entry;
    }
    return out;
  });
}

/**
 * What the page sends: per outgoing video stream, its size, frame rate and why the browser
 * limits its quality (`cpu`, `bandwidth` or `none`), with the seconds spent in each reason.
 */
export function sent(page) {
  return page.evaluate(async () => {
    const out = [];
    for (const pc of window.__pcs || []) {
      if (pc.connectionState === 'closed') continue;
      const report = await pc.getStats();
      report.forEach((r) => {
        if (r.type !== 'outbound-rtp' || r.kind !== 'video') return;
        const source = report.get(r.mediaSourceId);
        const secs = Object.fromEntries(Object.entries(r.qualityLimitationDurations || {})
          .filter(([, v]) => v > 0).map(([k, v]) => [k, Math.round(v * 10) / 10]));
        out.push({ rid: r.rid, active: r.active, width: r.frameWidth || 0, height: r.frameHeight || 0, fps: r.framesPerSecond || 0,
          limited: r.qualityLimitationReason || 'none', secs, captured: source?.framesPerSecond || 0,
          kbps: Math.round((r.targetBitrate || 0) / 1000),
          encodeMs: r.framesEncoded ? Math.round((r.totalEncodeTime / r.framesEncoded) * 1000) : 0 });
      });
    }
    return out;
  });
}

/**
 * Measures over `ms`: per participant, decoded frames per second, frame size and audio
 * packets received in the window.
 */
export async function measure(page, ms = 3000) {
  const a = await received(page);
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, ms));
  const b = await received(page);
  const secs = (Date.now() - t0) / 1000;
  const out = {};
  for (const [id, now] of Object.entries(b)) {
    const before = a[id];
    out[id] = {
      fps: now.video && before?.video ? (now.video.frames - before.video.frames) / secs : 0,
      width: now.video?.width || 0,
      height: now.video?.height || 0,
      audioPackets: now.audioPackets - (before?.audioPackets || 0),
    };
  }
  return out;
}

/** Waits until the page decodes video from every id in `ids`. */
export async function waitDecoding(page, ids, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  let last = {};
  while (Date.now() < deadline) {
    last = await received(page);
    if (ids.every((id) => last[id]?.video?.frames > 0)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no decoded video from ${ids.join(', ')} within ${timeoutMs} ms: ${JSON.stringify(last)}`);
}
