// End to end through the official MCP SDK client: a creator connects TikTok and posts a video
// with TikTok's per-post options.
//
//   node video_tiktok.mjs <path to herald> <path to herald-emulator>
//
// `herald-emulator tiktok` stands for TikTok (the authorize page, the token endpoint, the
// Content Posting API and its upload URLs on 127.0.0.1); one `herald serve` points at it with
// HERALD_TIKTOK_* (the app's client key) and a HERALD_PUBLIC_URL on a port chosen before it
// starts. The MCP client declares URL-mode elicitation, so:
//   - connect_account {platform: tiktok} asks the client to open the sign-in link; the
//     emulator's authorize page redirects to herald's /oauth/callback/tiktok;
//   - list_accounts shows the creator; list_platforms shows TikTok's platform_options schema
//     (privacy_level required);
//   - upload_media takes an MP4 made here with ffmpeg;
//   - publish_post without platform_options.tiktok.privacy_level is refused naming it; with
//     {privacy_level, disable_comment} it is uploaded (FILE_UPLOAD), processed and moderated,
//     and get_post shows the target published with the video's URL;
//   - the emulator holds the video exactly once, the bytes of the uploaded file.
// Exits 77 (skipped) when the herald under test does not take platform_options yet (no
// options_schema for TikTok in list_platforms).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, ElicitationCompleteNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

import { check, equal, eventually, freePort, runSteps, startEmulator, startServe } from './lib/herald.mjs';

const [herald, emulatorBinary] = process.argv.slice(2);
if (!herald || !emulatorBinary) {
  console.error('usage: node video_tiktok.mjs <path to herald> <path to herald-emulator>');
  process.exit(2);
}

const runId = Math.random().toString(36).slice(2, 10);
const work = mkdtempSync(join(tmpdir(), 'herald-tiktok-'));
let emulator;
let server;
let client;
let publicUrl;
let account;
let mediaId;
let postId;
let skipped = false;
const elicited = [];
const completed = [];

async function call(name, args) {
  const r = await client.callTool({ name, arguments: args });
  if (r.isError) throw new Error(`${name} failed: ${JSON.stringify(r.content)}`);
  return r.structuredContent;
}

async function settled(id) {
  let last;
  return eventually(async () => {
    const p = last = await call('get_post', { post_id: id });
    if (['failed', 'partially_published', 'cancelled'].includes(p.status)) {
      throw new Error(`the post ended ${p.status}: ${JSON.stringify(p.targets, null, 1)}`);
    }
    return p.status === 'published' ? p : null;
  }, 90000, `post ${id} published`, 200).catch((e) => {
    throw new Error(`${e.message}; last get_post: ${JSON.stringify(last, null, 1)}`);
  });
}

const steps = [
  ['make an MP4 with ffmpeg', async () => {
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i',
                            'testsrc=duration=4:size=540x960:rate=30', '-f', 'lavfi', '-i',
                            'sine=frequency=440:duration=4', '-c:v', 'libx264', '-b:v', '800k',
                            '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
                            '-movflags', '+faststart', join(work, 'clip.mp4')]);
  }],

  ['start the TikTok emulator and herald serve', async () => {
    emulator = await startEmulator(emulatorBinary, 'tiktok');
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    await emulator.control('POST', '/config', {
      redirect_uris: [`${publicUrl}/oauth/callback/tiktok`], processing_polls: 2,
      moderation_polls: 1 });
    server = await startServe(herald, [], {
      port,
      env: {
        HERALD_DB: '',
        HERALD_PUBLIC_URL: publicUrl,
        HERALD_ALLOW_PRIVATE_NETWORKS: '1',  // the emulator's upload URLs are on loopback
        HERALD_TIKTOK_API_URL: emulator.base,
        HERALD_TIKTOK_AUTH_URL: emulator.base,
        HERALD_TIKTOK_CLIENT_KEY: 'herald-tiktok-key',
        HERALD_TIKTOK_CLIENT_SECRET: 'herald-tiktok-secret',
      },
    });
    check(server.key, 'an admin key was printed');
  }],

  ['an MCP client with URL-mode elicitation connects', async () => {
    client = new Client({ name: 'herald-video-tiktok', version: '1.0.0' },
                        { capabilities: { elicitation: { url: {} } } });
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      elicited.push(request.params);
      return { action: 'accept' };
    });
    client.setNotificationHandler(ElicitationCompleteNotificationSchema, async (n) => {
      completed.push(n.params);
    });
    await client.connect(new StreamableHTTPClientTransport(
        new URL(`${server.base}/mcp`),
        { requestInit: { headers: { Authorization: `Bearer ${server.key}` } } }));
  }],

  ['connect TikTok in the browser', async () => {
    const r = await call('connect_account', { platform: 'tiktok' });
    equal(r.status, 'pending_authorization', 'connect_account status');
    const asked = elicited[elicited.length - 1];
    equal(asked?.url, r.authorization_url, 'the client was asked to open the sign-in link');
    check(/[?&]client_key=herald-tiktok-key/.test(asked.url), `client_key: ${asked.url}`);
    const authorize = await fetch(asked.url, { redirect: 'manual' });
    equal(authorize.status, 302, 'the authorize page redirects');
    const location = authorize.headers.get('location');
    check(location.startsWith(`${publicUrl}/oauth/callback/tiktok`), `back to herald: ${location}`);
    const page = await fetch(location);
    equal(page.status, 200, `the callback page: ${(await page.text()).slice(0, 500)}`);
    await eventually(() => completed.some((c) => c.elicitationId === asked.elicitationId), 10000,
                     'notifications/elicitation/complete');
  }],

  ['list_accounts shows the creator; list_platforms shows the options schema', async () => {
    const { accounts } = await call('list_accounts', {});
    const tiktok = accounts.filter((a) => a.platform === 'tiktok');
    equal(tiktok.length, 1, `one TikTok account: ${JSON.stringify(accounts)}`);
    equal(tiktok[0].status, 'active', 'active');
    equal(tiktok[0].handle, '@heraldtok', 'the handle');
    account = tiktok[0];
    const { platforms } = await call('list_platforms', {});
    const info = platforms.find((p) => p.id === 'tiktok');
    check(info, `TikTok is listed: ${JSON.stringify(platforms.map((p) => p.id))}`);
    if (!info.options_schema) {
      skipped = true;
      console.log('SKIP: this herald does not take platform_options yet (no options_schema)');
      return;
    }
    check((info.options_schema.required ?? []).includes('privacy_level'),
          `privacy_level required: ${JSON.stringify(info.options_schema)}`);
  }],

  ['upload_media: the MP4', async () => {
    if (skipped) return;
    const r = await call('upload_media', {
      data_base64: readFileSync(join(work, 'clip.mp4')).toString('base64'),
      file_name: 'clip.mp4' });
    check(/^med_/.test(r.media_id ?? ''), JSON.stringify(r));
    mediaId = r.media_id;
  }],

  ['without a privacy level the post is refused, naming it', async () => {
    if (skipped) return;
    const r = await client.callTool({ name: 'publish_post', arguments: {
      accounts: [account.account_id], text: `no privacy (${runId})`, media: [mediaId] } });
    const text = JSON.stringify(r);
    check(r.isError || /privacy_level/.test(text), `refused: ${text}`);
    check(/privacy_level/.test(text), `the error names privacy_level: ${text}`);
    equal((await emulator.posts()).length, 0, 'nothing reached TikTok');
  }],

  ['publish the video with platform_options.tiktok; get_post shows it published', async () => {
    if (skipped) return;
    postId = (await call('publish_post', {
      accounts: [account.account_id], text: `The launch video #herald (${runId})`,
      media: [mediaId],
      platform_options: { tiktok: { privacy_level: 'PUBLIC_TO_EVERYONE', disable_comment: false } },
    })).post_id;
    const p = await settled(postId);
    equal(p.targets.length, 1, 'one target');
    equal(p.targets[0].status, 'published', 'the target is published');
    check(/^https:\/\/www\.tiktok\.com\/@heraldtok\/video\/\d+$/.test(p.targets[0].url ?? ''),
          `the target has the video's URL: ${JSON.stringify(p.targets[0])}`);
  }],

  ['the emulator holds the video exactly once', async () => {
    if (skipped) return;
    const posts = (await emulator.posts()).filter((p) => p.text.includes(runId));
    equal(posts.length, 1, `one video: ${JSON.stringify(posts)}`);
    equal(posts[0].extra.post_info.privacy_level, 'PUBLIC_TO_EVERYONE', 'the privacy level');
    const file = readFileSync(join(work, 'clip.mp4'));
    const media = posts[0].media[0];
    check(media.size > 0, `the video's bytes: ${JSON.stringify(media)}`);
    if (media.size === file.length) {
      equal(media.sha256, createHash('sha256').update(file).digest('hex'), 'the same bytes');
    }
  }],
];

await runSteps(steps, async () => {
  if (client) await client.close();
  if (server) await server.stop();
  if (emulator) await emulator.stop();
  rmSync(work, { recursive: true, force: true });
  if (skipped) process.exit(77);
});
