"""Helpers the Python end-to-end tests share (they drive the real binaries over loopback):
fail with herald's stderr, an OS-chosen free port, and one plain HTTP request."""
import http.client
import os
import socket
import sys
import urllib.parse


def fail(message, serve_err=None):
    """Prints FAIL and the tail of herald's stderr (when given), and exits 1."""
    print("FAIL: " + message, file=sys.stderr)
    if serve_err and os.path.exists(serve_err):
        print("--- herald stderr:\n" + open(serve_err, errors="replace").read()[-6000:],
              file=sys.stderr)
    sys.exit(1)


def free_port():
    """A loopback port the OS says is free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url, method="GET", body=None, headers=None):
    """One HTTP request; returns (status, headers dict lower-cased, body bytes)."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    target = u.path + ("?" + u.query if u.query else "")
    conn.request(method, target, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data
