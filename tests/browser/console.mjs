// The web console end to end in chromium (playwright-core): a person signs in with an API key,
// connects an account through the OAuth test network (herald_oauth_emulator), composes and
// schedules a post, sees it in the calendar, moves it by dragging, sees why a post failed,
// reconnects the account, and signs out; no page logs a console error. Security: a request
// without the CSRF token is refused, the session cookie is HttpOnly and SameSite=Strict,
// another organization's posts never show, and a post whose text is <script> shows as text.
// Analytics: with a Mastodon account (herald-emulator) whose history herald imported and a post
// it published and measured, the analytics page shows the chart, the totals, the rows and the
// top post (linked to its post page), regroups by account, shows analytics_report's own message
// for a bad range, and fits a phone.
//
//   node console.mjs <herald> <artifacts dir> <herald_oauth_emulator> <herald-emulator>
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

import { check, equal, eventually, freePort, openSignInLink, runSteps, startServe, tempDataDir }
  from '../interop/lib/herald.mjs';
import { allowRefusals, dayIn, launch, oauthEnv, rest, seedAnalytics, shot, startOAuthEmulator }
  from './lib.mjs';

const [herald, artifacts, emulatorBinary, networkEmulatorBinary] = process.argv.slice(2);
if (!herald || !artifacts || !emulatorBinary || !networkEmulatorBinary) {
  console.error('usage: node console.mjs <herald> <artifacts dir> <herald_oauth_emulator> <herald-emulator>');
  process.exit(2);
}

const zone = 'Europe/Paris';
const dataDir = tempDataDir();
let emulator;
let mastodon;
let server;
let base;
let ctx;
let page;
let accountId;
let postId;
let otherKey;
let connectedAt = 0;
const tomorrow = dayIn(new Date(Date.now() + 24 * 3600 * 1000), zone);
const dayAfter = dayIn(new Date(Date.now() + 48 * 3600 * 1000), zone);
const text = `Launch day notes ${Math.random().toString(36).slice(2, 8)}`;
const theirText = `Other organization ${Math.random().toString(36).slice(2, 8)}`;
const xssText = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">';

const { browser, errors, watch } = await launch();

const steps = [
  ['start the OAuth test network and herald serve', async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    emulator = await startOAuthEmulator(emulatorBinary, base, ['--token-ttl', '2', '--no-refresh-tokens']);
    server = await startServe(herald, [], {
      port, dataDir,
      env: { ...oauthEnv(emulator.url, base), HERALD_ALLOW_PRIVATE_NETWORKS: '1' },
    });
    check(server.key, 'the first start printed an admin key');
    ctx = await browser.newContext({ timezoneId: zone, locale: 'en-GB',
                                     viewport: { width: 1280, height: 900 } });
    page = watch(await ctx.newPage());
  }],

  ['GET / leads to the sign-in page; a wrong key is refused', async () => {
    await page.goto(`${base}/`);
    check(page.url().startsWith(`${base}/console/signin`), `at the sign-in page: ${page.url()}`);
    await shot(page, artifacts, '01-signin');
    await page.getByLabel('API key').fill('hk_not_a_real_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Sign-in failed: invalid API key').waitFor();
    allowRefusals(errors, [401]);
  }],

  ['sign in with the API key; the cookie is HttpOnly and SameSite=Strict', async () => {
    await page.getByLabel('API key').fill(server.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/console\/calendar/);
    check(!page.url().includes(server.key), 'the key is not in the URL');
    const cookie = (await ctx.cookies()).find((c) => c.name === 'herald_session');
    check(cookie, 'a session cookie');
    equal(cookie.httpOnly, true, 'HttpOnly');
    equal(cookie.sameSite, 'Strict', 'SameSite');
    check(!cookie.value.includes(server.key), 'the cookie is not the key');
    const r = await page.request.get(`${base}/console/calendar`);
    const csp = r.headers()['content-security-policy'];
    check(csp.includes("frame-ancestors 'none'") && csp.includes("script-src 'self'"), `CSP: ${csp}`);
    check(!csp.includes('unsafe-inline'), 'no unsafe-inline');
    equal(r.headers()['x-content-type-options'], 'nosniff', 'nosniff');
  }],

  ['connect an account through the OAuth test network', async () => {
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('button', { name: 'Connect OAuth test network' }).click();
    await page.getByText('Connected @tester').waitFor();
    connectedAt = Date.now();
    await page.getByRole('link', { name: 'Back to the console' }).click();
    await page.waitForURL(/\/console\/accounts/);
    await page.getByText('OAuth test network · @tester').waitFor();
    await shot(page, artifacts, '02-accounts');
    const accounts = await rest(base, server.key, 'list_accounts', {});
    accountId = accounts.accounts.find((a) => a.platform === 'oauthtest').account_id;
  }],

  ['compose: validate_post messages as you type, then schedule', async () => {
    await page.getByRole('link', { name: 'Compose' }).click();
    await page.getByLabel('OAuth test network · @tester').check();
    await page.getByLabel('Text').fill('x'.repeat(600));
    await page.locator('#validation').getByText(/text/).first().waitFor();
    const message = await page.locator('#validation').innerText();
    const validated = await rest(base, server.key, 'validate_post',
                                 { accounts: [accountId], text: 'x'.repeat(600) });
    const expected = validated.accounts[0].violations[0].message;
    check(message.includes(expected), `the console shows validate_post's message "${expected}": ${message}`);
    await page.getByLabel('Text').fill(text);
    await page.locator('#validation').getByText('Ready').waitFor();
    await page.getByLabel(/Publish at/).fill(`${tomorrow}T09:30`);
    await shot(page, artifacts, '03-compose');
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.getByText('Scheduled.').waitFor();
    postId = page.url().match(/\/console\/posts\/(post_[^?]+)/)[1];
    const post = await rest(base, server.key, 'get_post', { post_id: postId });
    equal(post.status, 'scheduled', 'scheduled');
    check(post.publish_at_local?.includes?.(`${tomorrow}T09:30`) ||
          (await page.getByText('09:30').count()) > 0, `at 09:30 Paris time: ${JSON.stringify(post)}`);
  }],

  ['see it in the week calendar and move it to the next day by dragging', async () => {
    await page.goto(`${base}/console/calendar?view=week&date=${tomorrow}`);
    const entry = page.locator(`li.entry[data-post-id="${postId}"]`);
    await entry.waitFor();
    equal(await entry.locator('xpath=ancestor::li[contains(@class,"day")]').getAttribute('data-date'),
          tomorrow, 'the post is on its day');
    check((await entry.innerText()).includes(text), 'the calendar shows the text');
    check((await entry.innerText()).includes('oauthtest'), 'and the network');
    await shot(page, artifacts, '04-calendar-week');
    // The day after may be in the next week: then move through the post page instead.
    const target = page.locator(`li.day[data-date="${dayAfter}"]`);
    if (await target.count()) {
      await Promise.all([page.waitForEvent('load'), entry.dragTo(target)]);
      await page.locator(`li.day[data-date="${dayAfter}"] li.entry[data-post-id="${postId}"]`).waitFor();
    } else {
      await page.goto(`${base}/console/posts/${postId}`);
      await page.getByLabel(/New time/).fill(`${dayAfter}T09:30`);
      await page.getByRole('button', { name: 'Reschedule' }).click();
      await page.getByText('Rescheduled.').waitFor();
    }
    const post = await rest(base, server.key, 'get_post', { post_id: postId });
    check(post.publish_at_local.startsWith(`${dayAfter}T09:30`), `moved: ${post.publish_at_local}`);
  }],

  ['reschedule from the post page with the keyboard-friendly form', async () => {
    await page.goto(`${base}/console/posts/${postId}`);
    await page.getByLabel(/New time/).fill(`${dayAfter}T11:15`);
    await page.getByRole('button', { name: 'Reschedule' }).click();
    await page.getByText('Rescheduled.').waitFor();
    const post = await rest(base, server.key, 'get_post', { post_id: postId });
    check(post.publish_at_local.startsWith(`${dayAfter}T11:15`), `moved: ${post.publish_at_local}`);
    await page.goto(`${base}/console/calendar?view=month&date=${dayAfter}`);
    await page.locator(`li.entry[data-post-id="${postId}"]`).waitFor();
    await shot(page, artifacts, '05-calendar-month');
  }],

  ['a failed post shows its reason; the account asks to be reconnected', async () => {
    // The emulator's access tokens live 2 s and it issues no refresh token: publishing now
    // fails with a reason and marks the account needs_reauth.
    await eventually(async () => Date.now() - connectedAt > 3000, 5000, 'the token expired', 100);
    const started = await rest(base, server.key, 'publish_post',
                               { accounts: [accountId], text: 'This one will fail' });
    const failedId = started.post_id;
    await eventually(async () => {
      const p = await rest(base, server.key, 'get_post', { post_id: failedId });
      return ['failed', 'partially_published'].includes(p.status) ? p : null;
    }, 60000, 'the post failed', 200);
    const detail = await rest(base, server.key, 'get_post', { post_id: failedId });
    const reason = detail.targets[0].last_error;
    check(reason, 'a failure reason');
    await page.goto(`${base}/console/posts?status=failed`);
    await page.locator('.reason', { hasText: reason.slice(0, 40) }).first().waitFor();
    await page.getByRole('button', { name: 'Retry' }).first().waitFor();
    await shot(page, artifacts, '06-queue-failed');
    await page.goto(`${base}/console/posts/${failedId}`);
    await page.locator('.reason', { hasText: reason.slice(0, 40) }).waitFor();
    await page.goto(`${base}/console/accounts`);
    await page.getByRole('button', { name: 'Reconnect' }).click();
    await page.getByText('Connected @tester').waitFor();
    await page.getByRole('link', { name: 'Back to the console' }).click();
    await page.locator('.badge.s-active').first().waitFor();
  }],

  ['CSRF: a state-changing request without the token is refused', async () => {
    const status = await page.evaluate(async () => {
      const r = await fetch('/console/compose', {
        method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'text=csrf&action=draft' });
      return r.status;
    });
    equal(status, 403, 'no token');
    const wrong = await page.evaluate(async (id) => {
      const r = await fetch(`/console/posts/${id}/cancel`, {
        method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'csrf_token=0000' });
      return r.status;
    }, postId);
    equal(wrong, 403, 'a wrong token');
    const tool = await page.evaluate(async () => {
      const r = await fetch('/console/tools/list_posts', { method: 'POST', body: '{}' });
      return r.status;
    });
    equal(tool, 403, 'the tool route without X-CSRF-Token');
    const post = await rest(base, server.key, 'get_post', { post_id: postId });
    equal(post.status, 'scheduled', 'nothing changed');
    allowRefusals(errors, [403]);
  }],

  ['another organization\'s posts never show; <script> text renders as text', async () => {
    otherKey = execFileSync(herald, ['--data', dataDir, '--log-level', 'warn', 'keys', 'create',
                                     '--name', 'other', '--org', 'other', '--role', 'editor'])
      .toString().match(/hk_[A-Za-z0-9_-]{43}/)[0];
    // The other organization connects the same network account and schedules a post.
    const started = await rest(base, otherKey, 'connect_account', { platform: 'oauthtest' });
    await openSignInLink(started.authorization_url, base);
    const otherAccount = (await rest(base, otherKey, 'list_accounts', {})).accounts[0].account_id;
    const theirs = await rest(base, otherKey, 'schedule_post', {
      accounts: [otherAccount], text: theirText, publish_at: `${tomorrow}T10:00:00`, timezone: zone });
    const mine = await rest(base, server.key, 'schedule_post', {
      accounts: [accountId], text: xssText, publish_at: `${tomorrow}T15:00:00`, timezone: zone });
    await page.goto(`${base}/console/calendar?view=week&date=${tomorrow}`);
    const entry = page.locator(`li.entry[data-post-id="${mine.post_id}"]`);
    await entry.waitFor();
    check((await entry.innerText()).includes('<script>'), 'the text shows the tag as text');
    await page.goto(`${base}/console/posts/${mine.post_id}`);
    await page.getByText('<script>window.__xss = 1</script>', { exact: false }).waitFor();
    equal(await page.evaluate(() => window.__xss), undefined, 'no script ran');
    await shot(page, artifacts, '07-xss-as-text');
    // Ours never shows theirs.
    await page.goto(`${base}/console/calendar?view=week&date=${tomorrow}`);
    check(!(await page.content()).includes(theirText), 'their post is not in our calendar');
    await page.goto(`${base}/console/posts`);
    check(!(await page.content()).includes(theirText), 'nor in our queue');
    const theirPage = await page.goto(`${base}/console/posts/${theirs.post_id}`);
    equal(theirPage.status(), 404, 'their post is not found for us');
    // Their console session never shows ours.
    const other = await browser.newContext({ timezoneId: zone });
    const otherPage = watch(await other.newPage());
    await otherPage.goto(`${base}/console/signin`);
    await otherPage.getByLabel('API key').fill(otherKey);
    await otherPage.getByRole('button', { name: 'Sign in' }).click();
    await otherPage.waitForURL(/\/console\/calendar/);
    await otherPage.goto(`${base}/console/posts`);
    check(!(await otherPage.content()).includes(text), 'our post text is not shown');
    check((await otherPage.content()).includes(theirText), 'theirs is');
    const direct = await otherPage.goto(`${base}/console/posts/${postId}`);
    equal(direct.status(), 404, 'our post is not found for them');
    allowRefusals(errors, [404]);
    await other.close();
  }],

  ['analytics: the report with its chart, totals, rows and top post', async () => {
    const seeded = await seedAnalytics(base, server.key, networkEmulatorBinary,
                                       { text: 'Top post <b>bold?</b> of the month' });
    mastodon = seeded.emulator;
    await page.goto(`${base}/console/calendar`);
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.waitForURL(/\/console\/analytics/);
    await page.getByRole('heading', { name: 'Analytics' }).waitFor();
    await page.getByLabel('Period').waitFor();
    equal(await page.getByLabel('Period').inputValue(), '30', 'the last 30 days by default');
    const chart = page.locator('figure.chart svg[role="img"]');
    await chart.waitFor();
    check((await chart.locator('title').first().textContent()).includes('Engagement by day'),
          'the chart has a title');
    await page.getByRole('heading', { name: 'Totals' }).waitFor();
    const posts = await page.locator('table.numbers tbody tr').first().innerText();
    check(/^Posts\s+\d+\s+\d+\s+[+-]\d+\.\d%/.test(posts),
          `posts now, before, and the change: ${JSON.stringify(posts)}`);
    const top = page.locator('ol.top-posts li').first();
    check((await top.innerText()).includes(seeded.text), `the top post first: ${await top.innerText()}`);
    equal(await top.getByRole('link').getAttribute('href'), `/console/posts/${seeded.postId}`,
          'the top post links to its post page');
    await page.getByRole('heading', { name: 'Best times to post' }).waitFor();
    await shot(page, artifacts, '12-analytics');
    await page.getByLabel('Group by').selectOption('account');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/group_by=account/);
    await page.getByRole('heading', { name: 'By account' }).waitFor();
    const rows = await page.locator('#rows ~ .table-wrap tbody tr').allInnerTexts();
    check(rows.some((r) => r.includes('Mastodon')), `a row for the Mastodon account: ${rows}`);
    await shot(page, artifacts, '13-analytics-by-account');
    await top.getByRole('link').first().click();
    await page.waitForURL(new RegExp(`/console/posts/${seeded.postId}`));
    await page.getByText(seeded.text).waitFor();
  }],

  ['analytics: a bad range shows the tool\'s message; another organization sees none of it', async () => {
    await page.goto(`${base}/console/analytics`);
    await page.getByLabel('From').fill('2026-03-10');
    await page.getByLabel('To (included)').fill('2026-03-01');
    equal(await page.getByLabel('Period').inputValue(), 'custom', 'choosing a date picks custom dates');
    await page.getByRole('button', { name: 'Show' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const message = await alert.innerText();
    const zoned = (day) => new Date(`${day}T00:00:00+01:00`).toISOString().replace('.000Z', 'Z');
    const r = await fetch(`${base}/api/v1/tools/analytics_report`, {
      method: 'POST', headers: { Authorization: `Bearer ${server.key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: zoned('2026-03-10'), to: zoned('2026-03-02'), timezone: zone }) });
    const body = await r.json();
    equal(r.status, 400, 'the tool refuses the range');
    equal(message, body.error.message, 'the page shows the tool\'s own message');
    allowRefusals(errors, [400]);
    const other = await browser.newContext({ timezoneId: zone });
    const otherPage = watch(await other.newPage());
    await otherPage.goto(`${base}/console/signin`);
    await otherPage.getByLabel('API key').fill(otherKey);
    await otherPage.getByRole('button', { name: 'Sign in' }).click();
    await otherPage.waitForURL(/\/console\/calendar/);
    await otherPage.goto(`${base}/console/analytics?range=90&group_by=account`);
    await otherPage.getByRole('heading', { name: 'Analytics' }).waitFor();
    const theirs = await otherPage.content();
    check(!theirs.includes('acme_stats') && !theirs.includes('Top post'), 'none of our accounts or posts');
    await other.close();
  }],

  ['phone-sized analytics', async () => {
    const phone = await browser.newContext({ timezoneId: zone, viewport: { width: 390, height: 844 },
                                             storageState: await ctx.storageState() });
    const p = watch(await phone.newPage());
    await p.goto(`${base}/console/analytics`);
    await p.locator('figure.chart svg').waitFor();
    await shot(p, artifacts, '14-phone-analytics');
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    const wide = await p.evaluate(() => Array.from(document.querySelectorAll('main *'))
      .filter((e) => e.getBoundingClientRect().right > 390).slice(0, 5)
      .map((e) => `${e.tagName}.${e.className}`));
    check(width <= 390, `no horizontal scrolling on a phone (${width}px: ${wide})`);
    await phone.close();
  }],

  ['the calendar as the README shows it', async () => {
    const wide = await browser.newContext({ timezoneId: zone, locale: 'en-GB',
                                            viewport: { width: 1100, height: 430 },
                                            storageState: await ctx.storageState() });
    const p = watch(await wide.newPage());
    await p.goto(`${base}/console/calendar?view=week&date=${tomorrow}`);
    await p.locator('li.entry').first().waitFor();
    await p.screenshot({ path: `${artifacts}/09-readme-calendar.png` });
    await wide.close();
  }],

  ['phone-sized calendar', async () => {
    const phone = await browser.newContext({ timezoneId: zone, viewport: { width: 390, height: 844 },
                                             storageState: await ctx.storageState() });
    const p = watch(await phone.newPage());
    await p.goto(`${base}/console/calendar?view=week&date=${tomorrow}`);
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 390, `no horizontal scrolling on a phone (${width}px)`);
    await shot(p, artifacts, '08-phone-calendar');
    await phone.close();
  }],

  ['sign out: the session ends', async () => {
    await page.goto(`${base}/console/calendar`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('Signed out.').waitFor();
    await page.goto(`${base}/console/calendar`);
    check(page.url().includes('/console/signin'), `back at the sign-in page: ${page.url()}`);
  }],

  ['no console errors on any page', async () => {
    equal(errors, [], 'console errors');
  }],
];

await runSteps(steps, async () => {
  if (page) await shot(page, artifacts, '99-last-page').catch(() => {});
  await browser.close().catch(() => {});
  if (server) await server.stop({ keepData: true });
  emulator?.child.kill('SIGTERM');
  await mastodon?.stop().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
});
