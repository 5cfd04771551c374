// End to end through the official MCP SDK client for Meta's networks: a brand connects Threads
// (and, as they land, Facebook Pages and Instagram) in a browser and publishes images and a
// thread, each post once.
//
//   node meta.mjs <path to herald> <path to herald-emulator>
//
// `herald-emulator threads` stands for threads.net and graph.threads.net on 127.0.0.1; one
// `herald serve` points at it with HERALD_THREADS_* and a HERALD_PUBLIC_URL on its own
// loopback address, from which the emulator downloads the media for real (as Meta does). The
// MCP client declares URL-mode elicitation: connect_account asks it to open the sign-in link,
// the emulator's authorize page redirects to herald's /oauth/callback/<platform>, and the
// session hears notifications/elicitation/complete.
//
// Each network's steps are their own function (threadsSteps, ...): a network adds its
// emulator to `emulatorNames`, its variables to `networkEnv`, and its steps to the list at the
// end.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { check, equal, freePort, runSteps, startEmulator, startServe } from './lib/herald.mjs';
import { OAuthSession } from './lib/oauth_session.mjs';

const [herald, emulatorBinary] = process.argv.slice(2);
if (!herald || !emulatorBinary) {
  console.error('usage: node meta.mjs <path to herald> <path to herald-emulator>');
  process.exit(2);
}

const runId = Math.random().toString(36).slice(2, 10);
const work = mkdtempSync(join(tmpdir(), 'herald-meta-'));
const emulators = {};
let server;
let publicUrl;
const session = new OAuthSession();
const call = (name, args) => session.call(name, args);
const accounts = {};
const media = {};

// The emulators this test starts, and the herald variables pointing at each.
const emulatorNames = ['threads'];
const networkEnv = {
  threads: (e) => ({
    HERALD_THREADS_API_URL: e.base,
    HERALD_THREADS_AUTH_URL: e.base,
    HERALD_THREADS_CLIENT_ID: 'herald-threads-client',
    HERALD_THREADS_CLIENT_SECRET: 'herald-threads-secret',
  }),
};

const commonSteps = [
  ['make a PNG with ffmpeg and upload it', async () => {
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=800x600',
                            '-frames:v', '1', join(work, 'photo.png')]);
  }],

  ['start the emulators and herald serve on its own public URL', async () => {
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    session.publicUrl = publicUrl;
    let env = {
      HERALD_DB: '',
      HERALD_PUBLIC_URL: publicUrl,
      HERALD_ALLOW_PRIVATE_NETWORKS: '1',
    };
    for (const name of emulatorNames) {
      emulators[name] = await startEmulator(emulatorBinary, name);
      await emulators[name].control('POST', '/config',
                                    { redirect_uris: [`${publicUrl}/oauth/callback/${name}`] });
      env = { ...env, ...networkEnv[name](emulators[name]) };
    }
    server = await startServe(herald, [], { port, env });
    check(server.key, 'an admin key was printed');
  }],

  ['an MCP client with URL-mode elicitation connects', async () => {
    await session.open(server.base, server.key, 'herald-meta');
  }],

  ['upload_media: the PNG', async () => {
    const r = await call('upload_media', {
      data_base64: readFileSync(join(work, 'photo.png')).toString('base64'),
      file_name: 'photo.png' });
    check(/^med_/.test(r.media_id ?? ''), JSON.stringify(r));
    media.png = r.media_id;
  }],
];

// Threads: connect in the browser (a 60-day token), publish the PNG (Threads downloads it from
// herald's public URL) and a two-part thread; get_post shows both published with their URLs,
// and the emulator holds each part once.
function threadsSteps() {
  const posts = {};
  return [
    ['Threads: connect in the browser', async () => {
      await session.connect('threads');
      const { accounts: list } = await call('list_accounts', {});
      const threads = list.filter((a) => a.platform === 'threads');
      equal(threads.length, 1, `one Threads account: ${JSON.stringify(list)}`);
      equal(threads[0].status, 'active', 'the Threads account is active');
      check(threads[0].token_expires_at, `its expiry is shown: ${JSON.stringify(threads[0])}`);
      accounts.threads = threads[0];
    }],

    ['Threads: publish the PNG and a two-part thread', async () => {
      posts.image = (await call('publish_post', {
        accounts: [accounts.threads.account_id], text: `A photo on Threads (${runId})`,
        media: [media.png],
      })).post_id;
      posts.thread = (await call('publish_post', {
        accounts: [accounts.threads.account_id], text: `Launch thread (${runId}) 1/2`,
        thread: [{ text: `Launch thread (${runId}) 2/2` }],
      })).post_id;
    }],

    ['Threads: get_post shows each published with its URL', async () => {
      for (const [name, id] of Object.entries(posts)) {
        const p = await session.settled(id);
        for (const t of p.targets) {
          equal(t.status, 'published', `${name}: target ${t.account_id}`);
          check(/^https:\/\/www\.threads\.net\/@herald_tester\/post\//.test(t.url ?? ''),
                `${name}: the target has its URL: ${JSON.stringify(t)}`);
        }
      }
    }],

    ['Threads: the emulator downloaded the image and holds each part once', async () => {
      const info = await emulators.threads.control('GET', '/info');
      check(info.fetched_media.some((u) => u.startsWith(`${publicUrl}/`)),
            `the image came from herald's public URL: ${JSON.stringify(info.fetched_media)}`);
      const ours = (await emulators.threads.posts()).filter((p) => p.text.includes(runId));
      equal(ours.length, 3, `the photo and both thread parts: ${JSON.stringify(ours)}`);
      const second = ours.find((p) => p.text.endsWith('2/2'));
      const first = ours.find((p) => p.text.endsWith('1/2'));
      equal(second.reply_to, first.id, 'the second part replies to the first');
      equal(ours.find((p) => p.text.includes('photo')).media.length, 1, 'the photo is attached');
    }],
  ];
}

await runSteps([...commonSteps, ...threadsSteps()], async () => {
  await session.close();
  if (server) await server.stop();
  for (const e of Object.values(emulators)) await e.stop();
  rmSync(work, { recursive: true, force: true });
});
