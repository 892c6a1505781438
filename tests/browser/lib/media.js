// Media helpers for the call tests: a generated 25 fps camera clip, Chromium flags for
// fake devices, and per-participant WebRTC statistics read from the pages.
import { openSync, writeSync, closeSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';
import { CHROMIUM } from './browser.js';

/**
 * Writes a Y4M clip (640x480, `fps` frames per second, `seconds` long, looped by Chromium)
 * with a moving bar and changing colours, so every frame differs. No ffmpeg needed.
 */
export function makeClip({ width = 640, height = 480, fps = 25, seconds = 2 } = {}) {
  const dir = join(tmpdir(), 'loket-media');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `clip-${width}x${height}-${fps}.y4m`);
  if (existsSync(file)) return file;
  const fd = openSync(file, 'w');
  writeSync(fd, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
  const ySize = width * height;
  const cSize = (width / 2) * (height / 2);
  const frame = Buffer.alloc(ySize + 2 * cSize);
  const frames = fps * seconds;
  for (let n = 0; n < frames; n++) {
    const bar = Math.floor((n / frames) * width);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inBar = Math.abs(x - bar) < 40;
        frame[y * width + x] = inBar ? 235 : (16 + ((x + y + n * 7) % 200));
      }
    }
    frame.fill(128 + Math.round(60 * Math.sin(n / 5)), ySize, ySize + cSize);
    frame.fill(128 + Math.round(60 * Math.cos(n / 7)), ySize + cSize);
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
