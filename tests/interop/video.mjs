// End to end through the official MCP SDK client: a creator connects a YouTube channel and
// publishes a video made here with ffmpeg (a few MB, uploaded by herald in resumable chunks).
//
//   node video.mjs <path to herald> <path to herald-emulator>
//
// `herald-emulator youtube` stands for Google (the sign-in page, the token endpoint and the
// YouTube Data API on 127.0.0.1); one `herald serve` points at it with HERALD_YOUTUBE_* and a
// HERALD_PUBLIC_URL on a port chosen before it starts. The MCP client declares URL-mode
// elicitation, so connect_account {platform: youtube} asks it to open Google's sign-in link,
// whose page redirects to herald's /oauth/callback/youtube. Then:
//   - upload_media takes the MP4;
//   - publish_post sends it to the channel with platform_options.youtube (title, privacy,
//     tags; list_platforms publishes YouTube's options schema) and a progressToken: herald
//     follows the publish with notifications/progress until the target is settled;
//   - get_post shows the target published with its youtube.com URL;
//   - the emulator holds exactly one video, with the file's exact bytes (its SHA-256), the
//     title and the privacy asked for.
// Other video networks add their part as a function of their own below (see youtubePart).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { check, equal, freePort, runSteps, startEmulator, startServe } from './lib/herald.mjs';
import { connectOAuthClient } from './lib/oauth_client.mjs';

const [herald, emulatorBinary] = process.argv.slice(2);
if (!herald || !emulatorBinary) {
  console.error('usage: node video.mjs <path to herald> <path to herald-emulator>');
  process.exit(2);
}

const runId = Math.random().toString(36).slice(2, 10);
const work = mkdtempSync(join(tmpdir(), 'herald-video-'));
const emulators = {};
let server;
let mcp;  // connectOAuthClient's result
let publicUrl;
const accounts = {};
const media = {};
const posts = {};
const progress = [];  // notifications/progress params heard for the publish call
let videoBytes;

// YouTube: connect the channel, publish the video with its options, check it landed once.
function youtubePart() {
  return [
    ['connect YouTube in the browser (Google sign-in, offline consent)', async () => {
      const page = await mcp.connect('youtube');
      check(/Herald Tester|heraldtester/.test(page), `the page names the channel: ${page.slice(0, 600)}`);
      const { accounts: list } = await mcp.call('list_accounts', {});
      const yt = list.filter((a) => a.platform === 'youtube');
      equal(yt.length, 1, `one YouTube channel: ${JSON.stringify(list)}`);
      equal(yt[0].status, 'active', 'the channel is active');
      accounts.youtube = yt[0];
    }],

    ['publish the video to the channel with its options and a progressToken', async () => {
      const { platforms } = await mcp.call('list_platforms', {});
      const youtube = (platforms ?? []).find((p) => p.id === 'youtube' || p.platform === 'youtube');
      check(youtube, `list_platforms lists youtube: ${JSON.stringify(platforms)}`);
      const args = {
        accounts: [accounts.youtube.account_id],
        text: `The launch video (${runId})\nRecorded on launch day.`,
        media: [media.mp4],
      };
      check(youtube.options_schema?.properties?.privacy_status,
            `list_platforms shows YouTube's options schema: ${JSON.stringify(youtube)}`);
      args.platform_options = {
        youtube: { title: `Launch video ${runId}`, privacy_status: 'unlisted',
                   tags: ['launch', 'herald'], made_for_kids: false },
      };
      posts.youtube = (await mcp.call('publish_post', args, {
        onprogress: (p) => progress.push(p),
        timeout: 120000,
      })).post_id;
    }],

    ['get_post shows the video published with its youtube.com URL', async () => {
      const p = await mcp.settled(posts.youtube);
      equal(p.targets.length, 1, 'one target');
      const t = p.targets[0];
      equal(t.status, 'published', 'the YouTube target');
      check(/^https:\/\/www\.youtube\.com\/(watch\?v=|shorts\/)[A-Za-z0-9_-]+$/.test(t.url ?? ''),
            `the target has its URL: ${JSON.stringify(t)}`);
      // publish_post followed the publish for the progressToken: settled targets count 1 each.
      check(progress.length > 0, 'the client heard notifications/progress');
      check(progress.every((n, i) => i === 0 || n.progress >= progress[i - 1].progress),
            `progress never goes back: ${JSON.stringify(progress)}`);
      check(progress.every((n) => n.total === 1 && n.progress <= n.total),
            `one target, never past it: ${JSON.stringify(progress)}`);
      if (t.progress) {
        equal(t.progress.bytes_sent, t.progress.bytes_total,
              `get_post's upload progress is complete: ${JSON.stringify(t.progress)}`);
      }
    }],

    ['the emulator holds the video once, with the file\'s bytes', async () => {
      const videos = (await emulators.youtube.posts()).filter((p) => !p.deleted);
      equal(videos.length, 1, `one video: ${JSON.stringify(videos)}`);
      const v = videos[0];
      equal(v.media[0].size, videoBytes.length, 'the size of the file');
      equal(v.media[0].sha256, createHash('sha256').update(videoBytes).digest('hex'),
            'the exact bytes of the file');
      equal(v.text, `Launch video ${runId}`, 'the title asked for');
      equal(v.extra.status.privacyStatus, 'unlisted', 'the privacy asked for');
      equal(v.extra.snippet.tags, ['launch', 'herald'], 'the tags asked for');
      check(v.extra.snippet.description.includes('Recorded on launch day.'),
            `the text is the description: ${JSON.stringify(v.extra.snippet)}`);
    }],
  ];
}

const steps = [
  ['make an MP4 of a few MB with ffmpeg', async () => {
    // Noise keeps the encoder from compressing it to nothing: about 2 MB, what one MCP request
    // (4 MiB, base64) can carry to upload_media.
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i',
                            'testsrc=duration=2:size=640x360:rate=25,noise=alls=60:allf=t',
                            '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2',
                            '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '30',
                            '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
                            join(work, 'launch.mp4')]);
    videoBytes = readFileSync(join(work, 'launch.mp4'));
    check(videoBytes.length > 1024 * 1024, `a few MB: ${videoBytes.length} bytes`);
  }],

  ['start the YouTube emulator and herald serve', async () => {
    emulators.youtube = await startEmulator(emulatorBinary, 'youtube');
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    await emulators.youtube.control('POST', '/config',
                                    { redirect_uris: [`${publicUrl}/oauth/callback/youtube`] });
    const info = await emulators.youtube.control('GET', '/info');
    server = await startServe(herald, [], {
      port,
      env: {
        HERALD_DB: '',
        HERALD_PUBLIC_URL: publicUrl,
        HERALD_ALLOW_PRIVATE_NETWORKS: '1',  // the emulator's session URLs are on loopback
        HERALD_YOUTUBE_API_URL: emulators.youtube.base,
        HERALD_YOUTUBE_AUTH_URL: emulators.youtube.base,
        HERALD_YOUTUBE_CLIENT_ID: info.client_id,
        HERALD_YOUTUBE_CLIENT_SECRET: info.client_secret,
      },
    });
    check(server.key, 'an admin key was printed');
  }],

  ['an MCP client with URL-mode elicitation connects', async () => {
    mcp = await connectOAuthClient(server, publicUrl, 'herald-video');
  }],

  ['upload_media: the MP4', async () => {
    const r = await mcp.call('upload_media', { data_base64: videoBytes.toString('base64'),
                                           file_name: 'launch.mp4' });
    check(/^med_/.test(r.media_id ?? ''), `mp4: ${JSON.stringify(r)}`);
    media.mp4 = r.media_id;
  }],

  ...youtubePart(),
];

await runSteps(steps, async () => {
  if (mcp) await mcp.client.close();
  if (server) await server.stop();
  for (const e of Object.values(emulators)) await e.stop();
  rmSync(work, { recursive: true, force: true });
});
