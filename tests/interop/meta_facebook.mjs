// End to end through the official MCP SDK client: a brand connects Facebook (two Pages, one
// with an Instagram professional account) and publishes a PNG, a carousel and a video.
//
//   node meta_facebook.mjs <path to herald> <path to herald-emulator>
//
// `herald-emulator meta` stands for Meta (the Facebook Login dialog, the Graph API with Pages
// and Instagram content publishing) on 127.0.0.1; one `herald serve` points at it with
// HERALD_FACEBOOK_* and a HERALD_PUBLIC_URL, from which the emulator downloads every photo and
// video as Meta does (and checks they are JPEG or PNG / MP4). The MCP client declares URL-mode
// elicitation, so:
//   - connect_account {platform: facebook} asks the client to open the sign-in link; the
//     dialog redirects to herald's /oauth/callback/facebook; list_accounts then shows both
//     Pages and the Instagram account;
//   - upload_media takes PNGs and a vertical MP4 made here with ffmpeg;
//   - publish_post: the PNG to a Page and to Instagram (converted to JPEG for Instagram), two
//     PNGs as an Instagram carousel, the video to Instagram (a reel) and to the Page;
//   - get_post shows every target published with its URL; the emulator holds each post once.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { callTool, check, connectElicitingClient, equal, eventually, freePort, openSignInLink,
         publishedPost, runSteps, startEmulator, startServe } from './lib/herald.mjs';

const [herald, emulatorBinary] = process.argv.slice(2);
if (!herald || !emulatorBinary) {
  console.error('usage: node meta_facebook.mjs <path to herald> <path to herald-emulator>');
  process.exit(2);
}

const runId = Math.random().toString(36).slice(2, 10);
const work = mkdtempSync(join(tmpdir(), 'herald-meta-'));
let emulator;
let server;
let client;
let publicUrl;
const elicited = [];
const completed = [];
const callbackPages = [];
const accounts = {};  // "page" | "page_b" | "instagram" -> account
const media = {};     // "png" | "png2" | "mp4" -> media_id
const posts = {};     // name -> post_id

const call = (name, args) => callTool(client, name, args);
const settled = (postId) => publishedPost(client, postId, 90000);

const steps = [
  ['make two PNGs and a vertical MP4 with ffmpeg', async () => {
    for (const [file, source] of [['photo.png', 'testsrc=size=1080x1080'],
                                  ['photo2.png', 'smptebars=size=1080x1080']]) {
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', source, '-frames:v', '1',
                              join(work, file)]);
    }
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i',
                            'testsrc=duration=4:size=540x960:rate=25', '-f', 'lavfi', '-i',
                            'sine=frequency=440:duration=4', '-c:v', 'libx264', '-b:v', '600k',
                            '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
                            '-movflags', '+faststart', join(work, 'reel.mp4')]);
  }],

  ['start the Meta emulator and herald serve', async () => {
    emulator = await startEmulator(emulatorBinary, 'meta');
    await emulator.control('POST', '/config', { container_polls: 1 });
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    server = await startServe(herald, [], {
      port,
      env: {
        HERALD_DB: '',
        HERALD_PUBLIC_URL: publicUrl,
        HERALD_ALLOW_PRIVATE_NETWORKS: '1',
        HERALD_FACEBOOK_API_URL: emulator.base,
        HERALD_FACEBOOK_AUTH_URL: emulator.base,
        HERALD_FACEBOOK_CLIENT_ID: 'meta-client',
        HERALD_FACEBOOK_CLIENT_SECRET: 'meta-secret',
      },
    });
    check(server.key, 'an admin key was printed');
  }],

  ['an MCP client with URL-mode elicitation connects', async () => {
    client = await connectElicitingClient(server, 'herald-meta', elicited, completed);
  }],

  ['connect Facebook in the browser: two Pages and the Instagram account', async () => {
    const r = await call('connect_account', { platform: 'facebook' });
    equal(r.status, 'pending_authorization', 'connect_account status');
    const asked = elicited[elicited.length - 1];
    equal(asked.url, r.authorization_url, 'the elicited URL is the sign-in link');
    check(asked.url.startsWith(`${emulator.base}/v24.0/dialog/oauth?`), asked.url);
    callbackPages.push(await openSignInLink(asked.url, publicUrl));
    await eventually(() => completed.some((c) => c.elicitationId === asked.elicitationId), 10000,
                     'notifications/elicitation/complete');
    const page = callbackPages[callbackPages.length - 1];
    check(/Herald Labs/.test(page) && /Example Corp/.test(page),
          `the callback page names the Pages: ${page.slice(0, 800)}`);
  }],

  ['list_accounts shows both Pages and the Instagram account', async () => {
    const { accounts: list } = await call('list_accounts', {});
    const by = (p) => list.filter((a) => a.platform === p);
    equal(by('facebook').length, 2, `two Pages: ${JSON.stringify(list)}`);
    equal(by('instagram').length, 1, 'one Instagram account');
    check(list.every((a) => a.status === 'active'), `all active: ${JSON.stringify(list)}`);
    accounts.page = by('facebook').find((a) => /Herald Labs/.test(a.display_name ?? a.handle));
    accounts.instagram = by('instagram')[0];
    check(accounts.page, `the Herald Labs Page: ${JSON.stringify(by('facebook'))}`);
    // The 60-day long-lived user token's expiry (Page tokens themselves do not expire).
    const got = JSON.stringify(await call('get_account', { account_id: accounts.page.account_id }));
    const at = Date.parse((/"token_expires_at":"([^"]+)"/.exec(got) ?? [])[1]);
    check(at > Date.now() + 59 * 86400000 && at < Date.now() + 61 * 86400000,
          `get_account shows the expiry about 60 days ahead: ${got}`);
  }],

  ['upload_media: two PNGs and the MP4', async () => {
    for (const [name, file] of [['png', 'photo.png'], ['png2', 'photo2.png'],
                                ['mp4', 'reel.mp4']]) {
      const r = await call('upload_media', {
        data_base64: readFileSync(join(work, file)).toString('base64'), file_name: file });
      check(/^med_/.test(r.media_id ?? ''), `${name}: ${JSON.stringify(r)}`);
      media[name] = r.media_id;
    }
  }],

  ['publish the PNG to the Page and to Instagram', async () => {
    posts.photo = (await call('publish_post', {
      accounts: [accounts.page.account_id, accounts.instagram.account_id],
      text: `Launch day (${runId}) #launch`, media: [media.png],
    })).post_id;
  }],

  ['publish two PNGs as an Instagram carousel', async () => {
    posts.carousel = (await call('publish_post', {
      accounts: [accounts.instagram.account_id],
      text: `Behind the scenes (${runId})`, media: [media.png, media.png2],
    })).post_id;
  }],

  ['publish the video: a reel on Instagram, a video on the Page', async () => {
    posts.video = (await call('publish_post', {
      accounts: [accounts.instagram.account_id, accounts.page.account_id],
      text: `The launch reel (${runId})`, media: [media.mp4],
    })).post_id;
  }],

  ['get_post shows every target published with its URL', async () => {
    for (const [name, id] of Object.entries(posts)) {
      const p = await settled(id);
      for (const t of p.targets) {
        equal(t.status, 'published', `${name}: target ${t.account_id}`);
        check(/^https:\/\/www\.(facebook|instagram)\.com\//.test(t.url ?? ''),
              `${name}: the target has its URL: ${JSON.stringify(t)}`);
      }
    }
  }],

  ['the emulator holds each post exactly once, with the media it downloaded', async () => {
    const mine = (await emulator.posts()).filter((p) => JSON.stringify(p).includes(runId));
    const on = (account) => mine.filter((p) => p.account === account);
    const page = on(accounts.page.external_id ?? '20250001');
    const ig = on(accounts.instagram.external_id ?? '17841400000000001');
    equal(page.length, 2, `the Page: the photo and the video: ${JSON.stringify(page)}`);
    equal(ig.length, 3, `Instagram: the photo, the carousel and the reel: ${JSON.stringify(ig)}`);
    const carousel = ig.find((p) => p.extra.media_type === 'CAROUSEL_ALBUM');
    check(carousel && carousel.media.length === 2, `the carousel: ${JSON.stringify(ig)}`);
    check(ig.some((p) => p.extra.media_product_type === 'REELS'), 'the reel');
    const photo = ig.find((p) => p.extra.media_type === 'IMAGE');
    equal(photo.media[0].mime_type, 'image/jpeg', 'Instagram got the PNG converted to JPEG');
  }],
];

await runSteps(steps, async () => {
  if (client) await client.close();
  if (server) await server.stop();
  if (emulator) await emulator.stop();
  rmSync(work, { recursive: true, force: true });
});
