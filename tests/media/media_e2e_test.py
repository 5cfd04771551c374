#!/usr/bin/env python3
"""Issue 11 end to end through the real binaries: `herald serve` (SQLite, HERALD_PUBLIC_URL
pointing at itself, HERALD_ALLOW_PRIVATE_NETWORKS=1) with the OAuth test network, which fetches
media by URL like Instagram (the emulator as a process). Once with local media files, once with
the S3 backend when scripts/test.sh exported HERALD_TEST_S3_* (else that half is skipped):

  a PNG by POST /api/v1/media; an MP4 (made here with ffmpeg) by tus /api/v1/uploads with a
  connection dropped in the middle of a PATCH, HEAD, and the rest; a JPEG by upload_media {url}
  from a loopback file server; get_media shows each probe and the per-network acceptance (the
  PNG: convert for oauthtest); the account is connected through the emulator; publish_post with
  the PNG ends published, the emulator fetched a JPEG from the signed URL (herald's /media/ or
  a presigned S3 URL) and a tampered signature is 403; delete_media is refused while a
  scheduled post uses the file.

  media_e2e_test.py <herald> <herald_oauth_emulator>
"""
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from e2e_http import fail, free_port, request  # noqa: E402

HERALD, EMULATOR = sys.argv[1], sys.argv[2]


def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


class Herald:
    def __init__(self, data, public, env_extra, emulator_url):
        self.data = data
        self.base = public
        self.err = os.path.join(data, "serve.err")
        out = os.path.join(data, "serve.out")
        env = dict(os.environ)
        env.update({
            "HERALD_OAUTH_TEST_PROVIDER": emulator_url,
            "HERALD_OAUTHTEST_CLIENT_ID": "herald-it",
            "HERALD_OAUTHTEST_CLIENT_SECRET": "it-secret",
            "HERALD_PUBLIC_URL": public,
            "HERALD_ALLOW_PRIVATE_NETWORKS": "1",
        })
        env.update(env_extra)
        port = urllib.parse.urlsplit(public).port
        self.proc = subprocess.Popen(
            [HERALD, "--data", data, "serve", "--listen", "127.0.0.1:%d" % port],
            stdout=open(out, "w"), stderr=open(self.err, "w"), env=env)
        for _ in range(600):
            text = open(out).read()
            if "herald: listening on http://" in text:
                break
            if self.proc.poll() is not None:
                fail("herald serve exited", self.err)
            time.sleep(0.05)
        else:
            fail("herald serve did not start", self.err)
        keys = re.findall(r"hk_[A-Za-z0-9_-]{43}", text)
        if not keys:
            fail("no admin key printed", self.err)
        self.auth = {"Authorization": "Bearer " + keys[0]}

    def api(self, method, path, body=None, headers=None, expect=(200, 201)):
        h = dict(self.auth)
        h.update(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            h.setdefault("Content-Type", "application/json")
        status, hdrs, data = request(self.base + path, method, body, h)
        if expect and status not in expect:
            fail("%s %s answered %d: %s" % (method, path, status, data[:2000]), self.err)
        return status, hdrs, data

    def tool(self, name, args, expect=(200, 201)):
        status, _, data = self.api("POST", "/api/v1/tools/" + name, args, expect=expect)
        return status, json.loads(data or b"{}")

    def stop(self):
        self.proc.terminate()
        if self.proc.wait(timeout=60) != 0:
            fail("herald serve did not exit 0 on SIGTERM", self.err)


class Emulator:
    def __init__(self, redirect):
        self.proc = subprocess.Popen(
            [EMULATOR, "--client-id", "herald-it", "--client-secret", "it-secret",
             "--redirect-uri", redirect],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("OAUTH_EMULATOR_URL="):
            fail("the emulator printed " + line)
        self.url = line.split("=", 1)[1]

    def fetched(self):
        self.proc.stdin.write("fetched\n")
        self.proc.stdin.flush()
        urls = []
        for line in self.proc.stdout:
            line = line.strip()
            if line == "END":
                return urls
            urls.append(line[len("FETCHED "):])
        fail("the emulator exited")

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def serve_files(directory):
    """A loopback file server on an OS-chosen port, on its own thread."""
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):
            super().__init__(*a, directory=directory, **k)

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def media_of(result):
    return result.get("media_id") and result or result.get("media") or result


def tus_upload(h, path):
    """Uploads `path` by tus, dropping the first PATCH halfway; returns the media JSON."""
    data = open(path, "rb").read()
    _, hdrs, _ = h.api("POST", "/api/v1/uploads", b"", {
        "Tus-Resumable": "1.0.0", "Upload-Length": str(len(data)),
        "Upload-Metadata": "filename ZmlsbS5tcDQ=,filetype dmlkZW8vbXA0"}, expect=(201,))
    location = hdrs["location"]
    path_of = urllib.parse.urlsplit(location).path if location.startswith("http") else location
    # A PATCH announcing everything, sending half, then the connection drops.
    u = urllib.parse.urlsplit(h.base)
    s = socket.create_connection((u.hostname, u.port))
    head = ("PATCH %s HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\nTus-Resumable: 1.0.0\r\n"
            "Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
            "Content-Length: %d\r\n\r\n" % (path_of, u.netloc, h.auth["Authorization"],
                                            len(data)))
    s.sendall(head.encode() + data[:len(data) // 2])
    s.close()
    offset = -1
    for _ in range(200):  # the server notices the drop and keeps what it synced
        _, hdrs, _ = h.api("HEAD", path_of, None, {"Tus-Resumable": "1.0.0"}, expect=(200, 204))
        offset = int(hdrs["upload-offset"])
        if offset > 0:
            break
        time.sleep(0.05)
    if not 0 < offset <= len(data) // 2:
        fail("HEAD after the drop shows offset %d of %d" % (offset, len(data)), h.err)
    status, hdrs, body = h.api("PATCH", path_of, data[offset:], {
        "Tus-Resumable": "1.0.0", "Content-Type": "application/offset+octet-stream",
        "Upload-Offset": str(offset)}, expect=(200,))
    return json.loads(body)


def acceptance(media, platform):
    for n in media.get("networks", []):
        if n["platform"] == platform:
            return n["action"]
    fail("no acceptance for %s in %s" % (platform, json.dumps(media)))


def flow(label, work, s3_env):
    data = os.path.join(work, label)
    os.makedirs(data)
    port = free_port()
    public = "http://127.0.0.1:%d" % port
    emulator = Emulator(public + "/oauth/callback/oauthtest")
    h = Herald(data, public, s3_env, emulator.url)
    files = serve_files(work)
    try:
        # A PNG by POST /api/v1/media (raw bytes).
        png = json.loads(h.api("POST", "/api/v1/media?file_name=photo.png",
                               open(os.path.join(work, "photo.png"), "rb").read(),
                               {"Content-Type": "image/png"}, expect=(201,))[2])
        png = media_of(png)
        # An MP4 by tus, resumed after a dropped PATCH.
        mp4 = media_of(tus_upload(h, os.path.join(work, "clip.mp4")))
        # A JPEG by upload_media {url} from the loopback file server.
        _, jpg = h.tool("upload_media", {
            "url": "http://127.0.0.1:%d/square.jpg" % files.server_address[1]})
        jpg = media_of(jpg)

        got = {}
        for name, m in (("png", png), ("mp4", mp4), ("jpg", jpg)):
            _, got[name] = h.tool("get_media", {"media_id": m["media_id"]})
        p = got["png"]["probe"]
        if (p.get("width"), p.get("height")) != (1600, 1200):
            fail("PNG probe: %s" % json.dumps(got["png"]))
        if acceptance(got["png"], "oauthtest") != "convert":
            fail("PNG for oauthtest: %s" % json.dumps(got["png"]["networks"]))
        v = got["mp4"]["probe"]
        if v.get("video_codec") != "h264" or not 3000 <= v.get("duration_ms", 0) <= 5000:
            fail("MP4 probe: %s" % json.dumps(got["mp4"]))
        if (v.get("width"), v.get("height")) != (640, 480):
            fail("MP4 size: %s" % json.dumps(v))
        if acceptance(got["mp4"], "oauthtest") != "refuse":
            fail("MP4 for oauthtest: %s" % json.dumps(got["mp4"]["networks"]))
        j = got["jpg"]["probe"]
        if (j.get("width"), j.get("height")) != (1000, 1000) or \
                acceptance(got["jpg"], "oauthtest") != "as_is":
            fail("JPEG by URL: %s" % json.dumps(got["jpg"]))

        # Connect the OAuth test network account: the emulator approves at once.
        _, _, started = h.api("POST", "/api/v1/accounts", {"platform": "oauthtest"})
        authorize = json.loads(started)
        authorize = authorize.get("authorization_url") or authorize["result"]["authorization_url"]
        status, hdrs, _ = request(authorize)
        if status != 302:
            fail("authorize answered %d" % status)
        status, _, page = request(hdrs["location"])
        if status != 200 or b"Connected @tester" not in page:
            fail("callback: %d %s" % (status, page[:500]), h.err)
        _, _, accounts = h.api("GET", "/api/v1/accounts")
        account = re.search(rb'"account_id":"(acc_[0-9A-Za-z]+)"', accounts).group(1).decode()

        # prepare_media converts the PNG now for the account's network (the default); the
        # publish below reuses it; the MP4 is refused with the reason.
        _, prepared = h.tool("prepare_media", {"media_id": png["media_id"]})
        nets = prepared.get("networks") or prepared.get("result", {}).get("networks", [])
        if [(n["platform"], n["action"], n.get("mime_type")) for n in nets] != \
                [("oauthtest", "converted", "image/jpeg")]:
            fail("prepare_media PNG: %s" % json.dumps(prepared))
        _, prepared = h.tool("prepare_media", {"media_id": mp4["media_id"],
                                               "platforms": ["oauthtest"]})
        nets = prepared.get("networks") or prepared.get("result", {}).get("networks", [])
        if len(nets) != 1 or nets[0]["action"] != "refuse" or not nets[0]["reasons"]:
            fail("prepare_media MP4: %s" % json.dumps(prepared))

        # publish_post with the PNG: converted to JPEG, fetched by the network by URL.
        _, post = h.tool("publish_post", {"accounts": [account], "text": "e2e " + label,
                                          "media": [png["media_id"]]})
        status = post.get("status")
        for _ in range(600):
            if status in ("published", "failed", "partially_published"):
                break
            time.sleep(0.05)
            _, current = h.tool("get_post", {"post_id": post["post_id"]})
            status = current["status"]
        if status != "published":
            fail("the post ended %s: %s" % (status, json.dumps(current)), h.err)
        fetched = emulator.fetched()
        if len(fetched) != 1:
            fail("the emulator fetched %s" % fetched, h.err)
        url = fetched[0]
        prefix = s3_env["HERALD_S3_ENDPOINT"] if s3_env else public + "/media/"
        if not url.startswith(prefix):
            fail("fetched %s, not under %s" % (url, prefix))
        status, _, body = request(url)
        if status != 200 or not body.startswith(b"\xff\xd8\xff"):
            fail("the signed URL answered %d (%r)" % (status, body[:8]))
        sig = "X-Amz-Signature=" if s3_env else "sig="
        at = url.index(sig) + len(sig)
        tampered = url[:at] + ("0" if url[at] != "0" else "1") + url[at + 1:]
        status, _, _ = request(tampered)
        if status != 403:
            fail("a tampered signature answered %d: %s" % (status, tampered))

        # delete_media is refused while a scheduled post uses the file.
        later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 86400))
        h.tool("schedule_post", {"accounts": [account], "text": "later", "media": [jpg["media_id"]],
                                 "publish_at": later})
        status, refused = h.tool("delete_media", {"media_id": jpg["media_id"]}, expect=None)
        if status < 400:
            fail("delete_media of a file a scheduled post uses answered %d: %s" %
                 (status, json.dumps(refused)))
        h.tool("get_media", {"media_id": jpg["media_id"]})  # still there

        # The REST convenience routes are the same tools.
        _, _, listed = h.api("GET", "/api/v1/media?kind=video")
        if [m["media_id"] for m in json.loads(listed)["media"]] != [mp4["media_id"]]:
            fail("GET /api/v1/media?kind=video: %s" % listed[:2000])
        _, _, one = h.api("GET", "/api/v1/media/" + png["media_id"])
        if json.loads(one)["probe"] != got["png"]["probe"]:
            fail("GET /api/v1/media/{id}: %s" % one[:2000])
        h.api("DELETE", "/api/v1/media/" + mp4["media_id"])
        status, _, _ = h.api("GET", "/api/v1/media/" + mp4["media_id"], expect=None)
        if status != 404:
            fail("a deleted media item answered %d" % status)
        print("PASS %s" % label)
    finally:
        files.shutdown()
        h.stop()
        emulator.stop()


def main():
    work = tempfile.mkdtemp(prefix="herald_media_e2e_")
    try:
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=1600x1200", "-frames:v", "1",
               os.path.join(work, "photo.png"))
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=1000x1000", "-frames:v", "1",
               os.path.join(work, "square.jpg"))
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=640x480:rate=30", "-f", "lavfi", "-i",
               "sine=frequency=440", "-t", "4", "-c:v", "libx264", "-preset", "ultrafast",
               "-b:v", "6M", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
               os.path.join(work, "clip.mp4"))
        flow("local", work, {})
        if os.environ.get("HERALD_TEST_S3_ENDPOINT"):
            s3 = {"HERALD_S3_" + k: os.environ["HERALD_TEST_S3_" + k]
                  for k in ("ENDPOINT", "BUCKET", "REGION", "ACCESS_KEY_ID",
                            "SECRET_ACCESS_KEY")}
            flow("s3", work, s3)
        else:
            print("SKIP s3: HERALD_TEST_S3_ENDPOINT is not set (scripts/test.sh sets it)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
