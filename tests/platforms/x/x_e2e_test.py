#!/usr/bin/env python3
"""X end to end through the real binaries: `herald-emulator x` as a process stands for x.com and
api.x.com, `herald serve` points at it with HERALD_X_API_URL / HERALD_X_AUTH_URL and the
emulator's app (HERALD_X_CLIENT_ID / _SECRET):

  connect_account {platform: x} -> authorization_url on the emulator -> its 302 back to
  herald's /oauth/callback/x -> the account is active; a PNG (made here) by POST
  /api/v1/media; schedule_post of a two-part thread with the image a moment ahead; get_post
  shows the target published with its x.com URL; the emulator holds exactly two tweets, the
  second replying to the first, the first carrying the image. Then publish_post with an MP4
  (made here with ffmpeg), uploaded in chunks and published once X processed it.

  x_e2e_test.py <herald> <herald-emulator>
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "media"))
sys.argv, ARGS = sys.argv[:1] + sys.argv[1:2] * 2, sys.argv  # media_e2e_test reads argv[1:3]
from media_e2e_test import Herald, fail, ffmpeg, free_port, request  # noqa: E402

HERALD, EMULATOR = ARGS[1], ARGS[2]


def settled(h, post_id):
    """get_post once the post is published (fails the test if it ends otherwise)."""
    for _ in range(600):
        _, current = h.tool("get_post", {"post_id": post_id})
        if current["status"] in ("published", "failed", "partially_published"):
            break
        time.sleep(0.05)
    if current["status"] != "published":
        fail("the post ended %s: %s" % (current["status"], json.dumps(current)), h.err)
    return current


def main():
    data = tempfile.mkdtemp(prefix="herald-x-e2e-")
    emulator = subprocess.Popen([EMULATOR, "x", "--port", "0"], stdout=subprocess.PIPE, text=True)
    h = None
    try:
        line = emulator.stdout.readline().strip()
        m = re.match(r"listening on (127\.0\.0\.1:\d+)", line)
        if not m:
            fail("the emulator printed %r" % line)
        x_url = "http://" + m.group(1)
        public = "http://127.0.0.1:%d" % free_port()
        h = Herald(data, public, {
            "HERALD_X_API_URL": x_url,
            "HERALD_X_AUTH_URL": x_url,
            "HERALD_X_CLIENT_ID": "herald-x-client",
            "HERALD_X_CLIENT_SECRET": "herald-x-secret",
        }, "")
        # Only herald's own callback may come back from the authorize page.
        request(x_url + "/__emulator/config", "POST",
                json.dumps({"redirect_uris": [public + "/oauth/callback/x"]}),
                {"Content-Type": "application/json"})

        _, _, started = h.api("POST", "/api/v1/accounts", {"platform": "x"})
        started = json.loads(started)
        started = started.get("result", started)
        if started.get("status") != "pending_authorization":
            fail("connect_account: %s" % json.dumps(started), h.err)
        authorize = started["authorization_url"]
        if not authorize.startswith(x_url + "/i/oauth2/authorize?"):
            fail("authorization_url %s is not on the emulator" % authorize)
        status, hdrs, body = request(authorize)
        if status != 302:
            fail("authorize answered %d: %s" % (status, body[:300]))
        if not hdrs["location"].startswith(public + "/oauth/callback/x?"):
            fail("redirected to %s" % hdrs["location"])
        status, _, page = request(hdrs["location"])
        if status != 200 or b"@heraldtester" not in page:
            fail("callback: %d %s" % (status, page[:500]), h.err)
        _, _, accounts = h.api("GET", "/api/v1/accounts")
        found = re.search(rb'"account_id":"(acc_[0-9A-Za-z]+)"', accounts)
        if not found or b'"status":"active"' not in accounts:
            fail("no active X account: %s" % accounts[:1000])
        account = found.group(1).decode()

        photo = os.path.join(data, "photo.png")
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=640x480", "-frames:v", "1", photo)
        image = json.loads(h.api("POST", "/api/v1/media?file_name=photo.png",
                                 open(photo, "rb").read(),
                                 {"Content-Type": "image/png"}, expect=(201,))[2])
        image = image.get("result", image)

        at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 2))
        _, post = h.tool("schedule_post", {
            "accounts": [account], "text": "Herald e2e: part one https://example.com/x",
            "media": [image["media_id"]], "thread": [{"text": "Herald e2e: part two"}],
            "publish_at": at})
        current = settled(h, post["post_id"])
        target = current["targets"][0]
        if not re.match(r"https://x\.com/heraldtester/status/\d+$", target.get("url", "")):
            fail("target URL: %s" % json.dumps(target))

        _, _, ledger = request(x_url + "/__emulator/posts")
        tweets = [p for p in json.loads(ledger)["posts"] if not p["deleted"]]
        if len(tweets) != 2:
            fail("the emulator holds %d tweets: %s" % (len(tweets), ledger[:2000]))
        first, second = tweets
        if second["reply_to"] != first["id"] or len(first["media"]) != 1 or second["media"]:
            fail("not a thread with the image on its first part: %s" % json.dumps(tweets))
        if not target["url"].endswith("/" + first["id"]):
            fail("the URL names %s, not the first tweet %s" % (target["url"], first["id"]))

        # A video (H.264/AAC, made here): uploaded to X in chunks from herald's media file,
        # published once X has processed it.
        clip = os.path.join(data, "clip.mp4")
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-f", "lavfi", "-i",
               "sine=frequency=440", "-t", "2", "-c:v", "libx264", "-preset", "ultrafast",
               "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", clip)
        video = json.loads(h.api("POST", "/api/v1/media?file_name=clip.mp4",
                                 open(clip, "rb").read(),
                                 {"Content-Type": "video/mp4"}, expect=(201,))[2])
        video = video.get("result", video)
        _, post = h.tool("publish_post", {"accounts": [account], "text": "Herald e2e: a clip",
                                          "media": [video["media_id"]]})
        settled(h, post["post_id"])
        _, _, ledger = request(x_url + "/__emulator/posts")
        clips = [p for p in json.loads(ledger)["posts"] if p["text"] == "Herald e2e: a clip"]
        if len(clips) != 1 or [m["mime_type"] for m in clips[0]["media"]] != ["video/mp4"]:
            fail("the video tweet: %s" % json.dumps(clips))
        h.stop()
        h = None
        print("PASS")
    finally:
        if h is not None:
            h.proc.kill()
        emulator.terminate()
        emulator.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
