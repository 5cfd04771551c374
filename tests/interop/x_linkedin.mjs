// End to end through the official MCP SDK client: a brand connects X and LinkedIn (the member
// and the pages they administer) and posts images, a thread and a video.
//
//   node x_linkedin.mjs <path to herald> <path to herald-emulator>
//
// `herald-emulator x` and `herald-emulator linkedin` stand for the networks (OAuth pages, token
// endpoints and APIs on 127.0.0.1); one `herald serve` points at them with HERALD_X_* and
// HERALD_LINKEDIN_* and a HERALD_PUBLIC_URL on a port chosen before it starts. The MCP client
// declares URL-mode elicitation, so:
//   - connect_account {platform: x | linkedin} asks the client to open the sign-in link
//     (elicitation/create, mode url); the client "opens" it: the emulator's authorize page
//     redirects to herald's /oauth/callback/<platform>, whose page names what was connected,
//     and the session hears notifications/elicitation/complete for that elicitation;
//   - list_accounts shows the X account, the LinkedIn member and both pages it administers;
//   - upload_media takes a PNG and an MP4 made here with ffmpeg;
//   - schedule_post: a two-part thread with the image to X, a post with the image to the
//     member and a page, a few seconds ahead; publish_post: the video to X, the member and the
//     page; get_post shows every target published with its URL;
//   - each emulator holds each post exactly once.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { check, equal, freePort, runSteps, startEmulator, startServe } from './lib/herald.mjs';
import { OAuthSession } from './lib/oauth_session.mjs';

const [herald, emulatorBinary] = process.argv.slice(2);
if (!herald || !emulatorBinary) {
  console.error('usage: node x_linkedin.mjs <path to herald> <path to herald-emulator>');
  process.exit(2);
}

const runId = Math.random().toString(36).slice(2, 10);
const work = mkdtempSync(join(tmpdir(), 'herald-x-linkedin-'));
const emulators = {};
let server;
let publicUrl;
const session = new OAuthSession();
const call = (name, args) => session.call(name, args);
const accounts = {};   // "x" | "linkedin" | "page" -> account
const media = {};      // "png" | "mp4" -> media_id
const posts = {};      // name -> post_id

function secondsFromNow(seconds) {
  const t = new Date(Date.now() + seconds * 1000);
  t.setUTCMilliseconds(0);
  return t.toISOString().replace('.000Z', 'Z');
}

const steps = [
  ['make a PNG and an MP4 with ffmpeg', async () => {
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=800x600',
                            '-frames:v', '1', join(work, 'photo.png')]);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i',
                            'testsrc=duration=4:size=640x480:rate=25', '-f', 'lavfi', '-i',
                            'sine=frequency=440:duration=4', '-c:v', 'libx264', '-b:v', '600k',
                            '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
                            join(work, 'clip.mp4')]);
  }],

  ['start the X and LinkedIn emulators and herald serve', async () => {
    emulators.x = await startEmulator(emulatorBinary, 'x');
    emulators.linkedin = await startEmulator(emulatorBinary, 'linkedin');
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    session.publicUrl = publicUrl;
    await emulators.x.control('POST', '/config',
                              { redirect_uris: [`${publicUrl}/oauth/callback/x`] });
    await emulators.linkedin.control('POST', '/config',
                                     { redirect_uris: [`${publicUrl}/oauth/callback/linkedin`] });
    server = await startServe(herald, [], {
      port,
      env: {
        HERALD_DB: '',
        HERALD_PUBLIC_URL: publicUrl,
        HERALD_ALLOW_PRIVATE_NETWORKS: '1',  // the emulators' upload URLs are on loopback
        HERALD_X_API_URL: emulators.x.base,
        HERALD_X_AUTH_URL: emulators.x.base,
        HERALD_X_CLIENT_ID: 'herald-x-client',
        HERALD_X_CLIENT_SECRET: 'herald-x-secret',
        HERALD_LINKEDIN_API_URL: emulators.linkedin.base,
        HERALD_LINKEDIN_AUTH_URL: emulators.linkedin.base,
        HERALD_LINKEDIN_CLIENT_ID: 'linkedin-client',
        HERALD_LINKEDIN_CLIENT_SECRET: 'linkedin-secret',
      },
    });
    check(server.key, 'an admin key was printed');
  }],

  ['an MCP client with URL-mode elicitation connects', async () => {
    await session.open(server.base, server.key, 'herald-x-linkedin');
  }],

  ['connect X in the browser', async () => { await session.connect('x'); }],
  ['connect LinkedIn in the browser: the member and the pages', async () => {
    await session.connect('linkedin');
    const page = session.callbackPages[session.callbackPages.length - 1];
    check(/Herald Labs/.test(page) && /Example Corp/.test(page),
          `the callback page names the pages: ${page.slice(0, 800)}`);
  }],

  ['list_accounts shows X, the member and both pages', async () => {
    const { accounts: list } = await call('list_accounts', {});
    const by = (p) => list.filter((a) => a.platform === p);
    equal(by('x').length, 1, `one X account: ${JSON.stringify(list)}`);
    equal(by('linkedin').length, 1, 'one LinkedIn member');
    equal(by('linkedin_page').length, 2, 'two LinkedIn pages');
    check(list.every((a) => a.status === 'active'), `all active: ${JSON.stringify(list)}`);
    accounts.x = by('x')[0];
    accounts.linkedin = by('linkedin')[0];
    accounts.page = by('linkedin_page').find((a) => /Herald Labs/.test(a.display_name ?? a.handle));
    check(accounts.page, `the Herald Labs page: ${JSON.stringify(by('linkedin_page'))}`);
  }],

  ['upload_media: the PNG and the MP4', async () => {
    for (const [name, file] of [['png', 'photo.png'], ['mp4', 'clip.mp4']]) {
      const r = await call('upload_media', {
        data_base64: readFileSync(join(work, file)).toString('base64'), file_name: file });
      check(/^med_/.test(r.media_id ?? ''), `${name}: ${JSON.stringify(r)}`);
      media[name] = r.media_id;
    }
  }],

  ['schedule a two-part thread with the image to X, and the image to the member and a page',
   async () => {
     const at = secondsFromNow(3);
     posts.thread = (await call('schedule_post', {
       accounts: [accounts.x.account_id], text: `Launch day (${runId}) 1/2`,
       media: [media.png], thread: [{ text: `Launch day (${runId}) 2/2` }], publish_at: at,
     })).post_id;
     posts.linkedin = (await call('schedule_post', {
       accounts: [accounts.linkedin.account_id, accounts.page.account_id],
       text: `Launch day on LinkedIn (${runId}) #launch`, media: [media.png], publish_at: at,
     })).post_id;
   }],

  ['publish the video to X, the member and the page', async () => {
    posts.video = (await call('publish_post', {
      accounts: [accounts.x.account_id, accounts.linkedin.account_id, accounts.page.account_id],
      text: `The launch video (${runId})`, media: [media.mp4],
    })).post_id;
  }],

  ['get_post shows every target published with its URL', async () => {
    for (const [name, id] of Object.entries(posts)) {
      const p = await session.settled(id);
      for (const t of p.targets) {
        equal(t.status, 'published', `${name}: target ${t.account_id}`);
        check(/^https:\/\/(x\.com|www\.linkedin\.com)\//.test(t.url ?? ''),
              `${name}: the target has its URL: ${JSON.stringify(t)}`);
      }
    }
  }],

  ['each emulator holds each post exactly once', async () => {
    const xPosts = (await emulators.x.posts()).filter((p) => JSON.stringify(p).includes(runId));
    const liPosts = (await emulators.linkedin.posts())
        .filter((p) => JSON.stringify(p).includes(runId));
    equal(xPosts.length, 3, `X: the thread's two parts and the video: ${JSON.stringify(xPosts)}`);
    equal(liPosts.length, 4, `LinkedIn: the image and the video to the member and the page: ${
      JSON.stringify(liPosts)}`);
  }],
];

await runSteps(steps, async () => {
  await session.close();
  if (server) await server.stop();
  for (const e of Object.values(emulators)) await e.stop();
  rmSync(work, { recursive: true, force: true });
});
