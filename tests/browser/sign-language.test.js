// The sign-language channel explains itself (issue 12, "Signers and kiosk visitors
// first"): short steps with pictograms, and the site's own video in Dutch Sign Language
// with captions on the start page and the waiting page. The video is a real WebM file
// recorded in the browser, written into the data folder, served by Loket with range
// requests, and played with its captions track.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDITOR_URL } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { startVideoCall } from './lib/flows.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): needs its own configuration' : false;

const configDir = mkdtempSync(join(tmpdir(), 'loket-ngt-'));
const configFile = join(configDir, 'loket.toml');
writeFileSync(configFile, `[sign_language]
start = { video = "ngt/start.webm", captions = "ngt/start.vtt" }
waiting = { video = "ngt/wachten.webm", captions = "ngt/wachten.vtt" }
`);

/** Records ~1.5 s of a moving canvas as WebM in the page; returns the bytes. */
async function recordWebm(page) {
  const base64 = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 320; canvas.height = 180;
    const g = canvas.getContext('2d');
    const stream = canvas.captureStream(15);
    const recorder = new MediaRecorder(stream, { mimeType: 'video/webm' });
    const chunks = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    const done = new Promise((resolve) => { recorder.onstop = resolve; });
    recorder.start(250);
    const started = performance.now();
    await new Promise((resolve) => {
      const draw = () => {
        const t = performance.now() - started;
        g.fillStyle = '#0b4f8a'; g.fillRect(0, 0, 320, 180);
        g.fillStyle = '#ffbf47'; g.fillRect((t / 10) % 300, 60, 40, 60);
        if (t < 1500) requestAnimationFrame(draw); else resolve();
      };
      draw();
    });
    recorder.stop();
    await done;
    const bytes = new Uint8Array(await new Blob(chunks, { type: 'video/webm' }).arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  });
  return Buffer.from(base64, 'base64');
}

/** Waits until the page's NGT video has loaded and its captions track has cues. */
async function videoPlaysWithCaptions(page) {
  const video = page.getByLabel('Uitleg in Nederlandse Gebarentaal');
  await video.waitFor();
  return page.evaluate(async () => {
    const v = document.querySelector('.sign-video video');
    const track = v.textTracks[0];
    track.mode = 'showing';
    const until = (cond) => new Promise((resolve, reject) => {
      const t0 = performance.now();
      const tick = () => (cond() ? resolve() : performance.now() - t0 > 10000 ? reject(new Error('timeout')) : setTimeout(tick, 50));
      tick();
    });
    await until(() => v.readyState >= 1 && track.cues && track.cues.length > 0);
    return { readyState: v.readyState, label: v.getAttribute('aria-label'), cue: track.cues[0].text, kind: track.kind };
  });
}

describe('the sign-language channel explains itself', { skip }, () => {
  const suite = new Suite('sign-language', { media: true, env: { LOKET_CONFIG: configFile } });
  let server;

  before(async () => {
    ({ server } = await suite.start());
    const recorder = await suite.page('recorder');
    await recorder.goto(server.url('/'));
    const webm = await recordWebm(recorder);
    assert.ok(webm.length > 1000, `recorded a WebM of ${webm.length} bytes`);
    await recorder.close();
    const folder = join(server.dir, 'ngt');
    mkdirSync(folder, { recursive: true });
    for (const [name, line] of [['start', 'Welkom. Hier kunt u bellen met een tolk.'], ['wachten', 'Even wachten. De tolk komt zo.']]) {
      writeFileSync(join(folder, `${name}.webm`), webm);
      writeFileSync(join(folder, `${name}.vtt`), `WEBVTT\n\n00:00.000 --> 00:01.500\n${line}\n`);
    }
  });
  after(() => suite.close());

  for (const [w, h] of [[1280, 800], [390, 844]]) {
    it(`start page at ${w}x${h}: steps with pictograms and the NGT video with captions`, async () => {
      const page = await suite.page(`resident ${w}`, { viewport: { width: w, height: h } });
      await page.goto(server.url('/video/start?met=tolk'));
      const steps = await page.locator('.sign-steps li').allTextContents();
      assert.deepEqual(steps.map((s) => s.trim()), ['Zet uw camera aan.', 'Een tolk gebaart met u.', 'De tolk praat voor u met een medewerker.', 'U kunt ook typen.']);
      assert.equal(await page.locator('.sign-steps svg[aria-hidden=true]').count(), 4, 'pictograms are decorative: the text says it');
      const played = await videoPlaysWithCaptions(page);
      assert.equal(played.label, 'Uitleg in Nederlandse Gebarentaal');
      assert.equal(played.kind, 'captions');
      assert.equal(played.cue, 'Welkom. Hier kunt u bellen met een tolk.');
      await suite.check(page, `sign-language start page with NGT video (${w})`, { key: '/video/start' });
      await page.close();
    });
  }

  it('waiting for an interpreter: the waiting page explains it too', async () => {
    const page = await suite.page('resident waiting');
    await startVideoCall(page, server, { met: 'tolk', question: 'Ik wil een afspraak maken.' });
    await page.locator('#chat[data-status=waiting]').waitFor();
    // The page says whom the resident waits for: a sign language interpreter.
    assert.equal((await page.locator('h1').textContent()).trim(), 'U wacht op een gebarentolk');
    assert.match(await page.title(), /^U wacht op een gebarentolk/);
    const played = await videoPlaysWithCaptions(page);
    assert.equal(played.cue, 'Even wachten. De tolk komt zo.');
    assert.equal(await page.locator('#sign-language .sign-steps li').count(), 4);
    await suite.check(page, 'waiting for an interpreter, with NGT video', { key: '/chat/{token}' });
  });

  it('no script errors', () => suite.assertNoScriptErrors('sign-language'));
});
