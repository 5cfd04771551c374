// Shared pieces of the browser tests: chromium through playwright-core, REST calls with an API
// key, and a check that pages logged no console error.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

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
