#!/usr/bin/env python3
"""LinkedIn end to end through the real binaries: `herald-emulator linkedin` as a process and
`herald serve` (SQLite) with HERALD_LINKEDIN_API_URL / _AUTH_URL pointed at it:

  connect_account {platform: linkedin} -> authorization_url -> the emulator's 302 -> herald's
  /oauth/callback/linkedin page -> the member is listed -> validate_post refuses a thread -> a PNG (made here with ffmpeg) by
  POST /api/v1/media -> publish_post with text full of LinkedIn's reserved characters and the
  image -> get_post shows the target published with its linkedin.com URL, and the emulator
  holds exactly one post, with the text as written and the image.

  linkedin_e2e_test.py <herald> <herald-emulator>
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
from e2e_http import fail, free_port, request  # noqa: E402

HERALD, EMULATOR = sys.argv[1], sys.argv[2]
CLIENT_ID, CLIENT_SECRET = "linkedin-client", "linkedin-secret"  # the emulator's seeded app


def main():
    work = tempfile.mkdtemp(prefix="herald_linkedin_e2e_")
    procs = []
    err = os.path.join(work, "serve.err")
    try:
        png = os.path.join(work, "photo.png")
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                        "testsrc=size=800x600", "-frames:v", "1", png], check=True)

        emulator = subprocess.Popen([EMULATOR, "linkedin"], stdout=subprocess.PIPE, text=True)
        procs.append(emulator)
        line = emulator.stdout.readline().strip()
        m = re.match(r"listening on (127\.0\.0\.1:\d+)", line)
        if not m:
            fail("the emulator printed %r" % line)
        emu = "http://" + m.group(1)

        port = free_port()
        public = "http://127.0.0.1:%d" % port
        env = dict(os.environ)
        env.update({"HERALD_LINKEDIN_API_URL": emu, "HERALD_LINKEDIN_AUTH_URL": emu,
                    "HERALD_LINKEDIN_CLIENT_ID": CLIENT_ID,
                    "HERALD_LINKEDIN_CLIENT_SECRET": CLIENT_SECRET,
                    "HERALD_PUBLIC_URL": public, "HERALD_ALLOW_PRIVATE_NETWORKS": "1"})
        out = os.path.join(work, "serve.out")
        herald = subprocess.Popen([HERALD, "--data", work, "serve", "--listen",
                                   "127.0.0.1:%d" % port],
                                  stdout=open(out, "w"), stderr=open(err, "w"), env=env)
        procs.append(herald)
        for _ in range(600):
            text = open(out).read()
            if "herald: listening on http://" in text:
                break
            if herald.poll() is not None:
                fail("herald serve exited", err)
            time.sleep(0.05)
        else:
            fail("herald serve did not start", err)
        keys = re.findall(r"hk_[A-Za-z0-9_-]{43}", text)
        if not keys:
            fail("no admin key printed", err)
        auth = {"Authorization": "Bearer " + keys[0], "Content-Type": "application/json"}

        def api(method, path, body=None, headers=None, expect=(200, 201)):
            h = dict(auth)
            h.update(headers or {})
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
            status, _, data = request(public + path, method, body, h)
            if expect and status not in expect:
                fail("%s %s answered %d: %s" % (method, path, status, data[:2000]), err)
            return json.loads(data or b"{}")

        platforms = json.dumps(api("GET", "/api/v1/platforms"))
        for pid in ('"linkedin"', '"linkedin_page"'):
            if pid not in platforms:
                fail("%s is not listed: %s" % (pid, platforms[:2000]))

        started = api("POST", "/api/v1/accounts", {"platform": "linkedin"})
        authorize = started.get("authorization_url") or started["result"]["authorization_url"]
        if not authorize.startswith(emu + "/oauth/v2/authorization?"):
            fail("authorization_url is not the emulator's authorize page: " + authorize)
        status, hdrs, body = request(authorize)
        if status != 302:
            fail("authorize answered %d: %s" % (status, body[:500]))
        location = hdrs["location"]
        if not location.startswith(public + "/oauth/callback/linkedin?"):
            fail("bad redirect: " + location)
        status, _, page = request(location)
        if status != 200 or b"Connected" not in page:
            fail("callback: %d %s" % (status, page[:800]), err)

        accounts = api("GET", "/api/v1/accounts")
        member = [a for a in accounts.get("accounts", accounts.get("result", []))
                  if a.get("platform") == "linkedin"]
        if len(member) != 1:
            fail("the member is not listed once: %s" % json.dumps(accounts)[:2000])
        if re.search(r"AQV[A-Za-z0-9_-]{20,}", json.dumps(accounts)):
            fail("a token leaked: %s" % json.dumps(accounts)[:2000])
        account = member[0]["account_id"]

        media = api("POST", "/api/v1/media?file_name=photo.png", open(png, "rb").read(),
                    {"Content-Type": "image/png"})
        media_id = (media.get("media") or media)["media_id"]

        # A thread is refused by validate_post, saying LinkedIn has none; nothing is stored.
        checked = api("POST", "/api/v1/tools/validate_post",
                      {"accounts": [account], "text": "one", "thread": [{"text": "two"}]})
        if checked.get("ok") is not False or "LinkedIn has no threads" not in json.dumps(checked):
            fail("validate_post of a thread: %s" % json.dumps(checked)[:2000])

        text = "Hello LinkedIn (from herald) #e2e @everyone [1] <ok> *x* _y_ ~z~ a|b {c} \\o/"
        post = api("POST", "/api/v1/tools/publish_post",
                   {"accounts": [account], "text": text, "media": [media_id]})
        current = post
        for _ in range(600):
            if current.get("status") in ("published", "failed", "partially_published"):
                break
            time.sleep(0.05)
            current = api("POST", "/api/v1/tools/get_post", {"post_id": post["post_id"]})
        if current.get("status") != "published":
            fail("the post ended %s: %s" % (current.get("status"), json.dumps(current)), err)
        target = current["targets"][0]
        url = target.get("url", "")
        if not re.match(r"https://www\.linkedin\.com/feed/update/urn:li:ugcPost:\d+/$", url):
            fail("the target's URL is %r: %s" % (url, json.dumps(current)))

        status, _, posts = request(emu + "/__emulator/posts")
        posts = [p for p in json.loads(posts)["posts"] if not p["deleted"]]
        if len(posts) != 1:
            fail("the emulator holds %d posts: %s" % (len(posts), json.dumps(posts)[:2000]))
        if posts[0]["text"] != text or len(posts[0]["media"]) != 1:
            fail("the emulator's post: %s" % json.dumps(posts[0])[:2000])
        if target.get("external_id") != posts[0]["id"]:
            fail("external_id %s is not the post %s" % (target.get("external_id"), posts[0]["id"]))
        herald.terminate()
        if herald.wait(timeout=60) != 0:
            fail("herald serve did not exit 0 on SIGTERM", err)
        print("PASS")
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
