// Shared pieces of the browser tests: chromium through playwright-core, REST calls with an API
// key, and a check that pages logged no console error.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

import { eventually, startEmulator } from '../interop/lib/herald.mjs';

// Launches Debian's chromium (no browser download). Returns { browser, errors, watch(page) }:
// `watch` records every console error and uncaught page error of `page` into `errors`.
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.HERALD_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
  const errors = [];
  const watch = (page) => {
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`); });
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    return page;
  };
  return { browser, errors, watch };
}

// Saves a full-page screenshot as <dir>/<name>.png.
export async function shot(page, dir, name) {
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

// Calls tool `name` over REST with `key`; the structured result, or throws with the error body.
export async function rest(base, key, name, args) {
  const r = await fetch(`${base}/api/v1/tools/${name}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
    signal: AbortSignal.timeout(20000),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${name}: ${r.status} ${text}`);
  return JSON.parse(text);
}

// "YYYY-MM-DD" of `date` in `zone`.
export function dayIn(date, zone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit',
                                            day: '2-digit' }).format(date);
}

// Starts herald_oauth_emulator (the "oauthtest" network) for a herald whose public URL is
// `publicUrl`; its stdin stays open while it serves. Returns { url, child }.
export async function startOAuthEmulator(binary, publicUrl, extraArgs = []) {
  const child = spawn(binary, [
    '--client-id', 'herald-browser', '--client-secret', 'browser-secret',
    '--redirect-uri', `${publicUrl}/oauth/callback/oauthtest`, ...extraArgs],
                      { stdio: ['pipe', 'pipe', 'inherit'] });
  process.once('exit', () => child.kill('SIGKILL'));
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (c) => {
      seen += c.toString();
      const m = seen.match(/OAUTH_EMULATOR_URL=(\S+)/);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the OAuth emulator exited (${code}): ${seen}`)));
  });
  return { url, child };
}

// The environment that points herald at an OAuth emulator (startOAuthEmulator) and `publicUrl`.
export function oauthEnv(emulatorUrl, publicUrl) {
  return { HERALD_OAUTH_TEST_PROVIDER: emulatorUrl, HERALD_OAUTHTEST_CLIENT_ID: 'herald-browser',
           HERALD_OAUTHTEST_CLIENT_SECRET: 'browser-secret', HERALD_PUBLIC_URL: publicUrl };
}

// Removes from `errors` the browser's "Failed to load resource" reports of answers a step
// provoked on purpose (a wrong key: 401, a missing CSRF token: 403, another organization's post:
// 404); every other error stays.
export function allowRefusals(errors, statuses) {
  const pattern = new RegExp(`Failed to load resource: the server responded with a status of (${statuses.join('|')}) `);
  for (let i = errors.length - 1; i >= 0; --i) {
    if (pattern.test(errors[i])) errors.splice(i, 1);
  }
}

// Measured posts for the analytics views: a Mastodon emulator (herald-emulator) with an account
// whose history (`count` posts, three a day, newest first: 120 reach back 40 days, so the last
// 30 days have a previous period to compare with; a Tuesday 14:00 UTC peak) herald imports,
// plus one post published through herald that the network then reports `engagement` for (so it
// is the top post and links to its post page). herald must run with
// HERALD_ALLOW_PRIVATE_NETWORKS=1. Returns { emulator, accountId, postId, text }.
export async function seedAnalytics(base, key, emulatorBinary, {
  text = 'Our best post this month', count = 120,
  engagement = { likes: 60, reposts: 12, replies: 5 } } = {}) {
  const emulator = await startEmulator(emulatorBinary, 'mastodon');
  const token = await emulator.control('POST', '/tokens', { username: 'acme_stats', display_name: 'Acme' });
  await emulator.control('POST', '/mastodon/accounts', { username: 'acme_stats', followers_count: 321 });
  await emulator.control('POST', '/mastodon/history', {
    account: 'acme_stats', count, days: 56, hours: [9, 14, 19],
    base: { likes: 2, reposts: 1, replies: 1 }, peak: { weekday: 2, hour: 14, factor: 6 } });
  const account = await rest(base, key, 'connect_account', {
    platform: 'mastodon', instance_url: emulator.base, access_token: token.token });
  const accountId = account.account_id;
  const imported = await rest(base, key, 'refresh_analytics', { account_id: accountId });
  const history = imported.updated.find((u) => u.kind === 'history');
  if (!history || history.imported !== count) {
    throw new Error(`the history was not imported: ${JSON.stringify(imported)}`);
  }
  const started = await rest(base, key, 'publish_post', { accounts: [accountId], text });
  const postId = started.post_id;
  await eventually(async () => {
    const p = await rest(base, key, 'get_post', { post_id: postId });
    return p.status === 'published' ? p : null;
  }, 30000, 'the post was published', 100);
  const live = (await emulator.posts()).filter((p) => p.text === text);
  if (live.length !== 1) throw new Error(`the post is on the network ${live.length} times`);
  await emulator.control('POST', `/posts/${encodeURIComponent(live[0].id)}/metrics`, engagement);
  const measured = await rest(base, key, 'refresh_analytics', { post_id: postId });
  if (measured.updated?.[0]?.status !== 'updated') {
    throw new Error(`the post was not measured: ${JSON.stringify(measured)}`);
  }
  return { emulator, accountId, postId, text };
}
