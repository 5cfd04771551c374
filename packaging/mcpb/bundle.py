#!/usr/bin/env python3
"""Builds the herald MCP Bundle (.mcpb) and the MCP registry's server.json. Run by build.sh.

usage: bundle.py HERALD_BINARY OUT_DIR

Stages manifest.json (from manifest.json.in: version from `herald version`, tools from the
binary's own tools/list) and server/herald (a stripped copy when `strip` exists), zips them into
OUT_DIR/herald-<version>-linux-<arch>.mcpb (fixed timestamps and modes, so the same binary gives
the same file and hash) and writes OUT_DIR/server.json for that exact file.

Environment (all optional):
  HERALD_MCPB_DOWNLOAD_URL  base URL the .mcpb will be downloaded from (server.json identifier);
                            default: a GitHub release URL with an OWNER placeholder
  HERALD_MCP_NAME           registry name, reverse-DNS (default io.github.OWNER/herald)
  HERALD_REPOSITORY_URL     source repository URL, added to manifest.json and server.json
  HERALD_MCPB_STRIP         0 to bundle the binary as it is (default: strip it)
"""
import hashlib
import json
import os
import re
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER_SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
PLACEHOLDER_OWNER = "OWNER"
# 1980-01-01, the earliest time a ZIP entry can hold: the archive depends only on its content.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def die(msg):
    print(f"bundle.py: {msg}", file=sys.stderr)
    sys.exit(1)


def elf_arch(path):
    with open(path, "rb") as f:
        head = f.read(20)
    if head[:4] != b"\x7fELF":
        die(f"{path} is not an ELF (Linux) executable")
    machine = int.from_bytes(head[18:20], "little" if head[5] == 1 else "big")
    arch = {0x3E: "x64", 0xB7: "arm64"}.get(machine)
    if not arch:
        die(f"{path}: unsupported ELF machine {machine:#x}")
    return arch


def herald_version(binary):
    out = subprocess.run([binary, "version"], capture_output=True, text=True, timeout=30)
    m = re.fullmatch(r"herald (\S+)\s*", out.stdout)
    if out.returncode != 0 or not m:
        die(f"`{binary} version` answered {out.returncode}: {out.stdout!r} {out.stderr!r}")
    return m.group(1)


def list_tools(binary):
    """The tools the binary serves over stdio (as the local admin, in a throwaway data dir)."""
    with tempfile.TemporaryDirectory() as data:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
        proc = subprocess.Popen([binary, "--data", data, "--log-level", "warn", "stdio"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env)
        msgs = [
            {"jsonrpc": "2.0", "id": 1, "method": "initialize",
             "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                        "clientInfo": {"name": "herald-mcpb-build", "version": "1"}}},
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
            {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        ]
        proc.stdin.write("".join(json.dumps(m) + "\n" for m in msgs).encode())
        proc.stdin.flush()
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 30
        buf = b""
        result = None
        try:
            while result is None:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    die("no tools/list answer from herald within 30 s")
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    die(f"herald stdio exited early: {proc.stderr.read().decode(errors='replace')}")
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    msg = json.loads(line)
                    if msg.get("id") == 2:
                        if "result" not in msg:
                            die(f"tools/list failed: {msg}")
                        result = msg["result"]
        finally:
            proc.stdin.close()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    # The manifest shows a short line per tool: the first sentence of each description.
    tools = []
    for t in result["tools"]:
        desc = (t.get("description") or "").strip()
        first = re.split(r"(?<!e\.g\.)(?<!i\.e\.)(?<=[.!?])\s", desc, maxsplit=1)[0]
        tools.append({"name": t["name"], "description": first})
    if not tools:
        die("herald listed no tools")
    return tools


def stage_binary(binary, dest):
    if os.environ.get("HERALD_MCPB_STRIP", "1") != "0" and shutil.which("strip"):
        subprocess.run(["strip", "--strip-all", "-o", dest, binary], check=True)
    else:
        shutil.copyfile(binary, dest)
    os.chmod(dest, 0o755)


def write_zip(path, files):
    """files: [(archive name, source path, mode)]. Unix modes in external_attr, fixed times."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, src, mode in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.create_system = 3  # Unix: unpackers honour the mode bits below
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(src, "rb") as f, z.open(info, "w") as out:
                shutil.copyfileobj(f, out, 1 << 20)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main():
    if len(sys.argv) != 3:
        die("usage: bundle.py HERALD_BINARY OUT_DIR")
    binary, out_dir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if not os.access(binary, os.X_OK):
        die(f"{binary} is not an executable")
    arch = elf_arch(binary)
    version = herald_version(binary)
    os.makedirs(out_dir, exist_ok=True)

    repo_url = os.environ.get("HERALD_REPOSITORY_URL", "")
    name = os.environ.get("HERALD_MCP_NAME", f"io.github.{PLACEHOLDER_OWNER}/herald")
    base = os.environ.get("HERALD_MCPB_DOWNLOAD_URL",
                          f"https://github.com/{PLACEHOLDER_OWNER}/herald/releases/download/v{version}")
    bundle_name = f"herald-{version}-linux-{arch}.mcpb"

    with tempfile.TemporaryDirectory() as stage:
        os.makedirs(os.path.join(stage, "server"))
        staged = os.path.join(stage, "server", "herald")
        stage_binary(binary, staged)

        with open(os.path.join(HERE, "manifest.json.in")) as f:
            manifest = json.loads(f.read().replace("@VERSION@", version))
        manifest["tools"] = list_tools(staged)
        if repo_url:
            manifest["repository"] = {"type": "git", "url": repo_url}
            manifest["homepage"] = repo_url
        manifest_path = os.path.join(stage, "manifest.json")
        with open(manifest_path, "w") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")

        bundle = os.path.join(out_dir, bundle_name)
        tmp = bundle + ".part"
        write_zip(tmp, [("manifest.json", manifest_path, 0o644), ("server/herald", staged, 0o755)])
        os.replace(tmp, bundle)

    env_vars = [
        {"name": "HERALD_DATA", "isRequired": True, "format": "filepath",
         "description": "Data directory (database, secret.key, media); the bundle passes it as --data"},
        {"name": "HERALD_API_KEY", "isRequired": False, "isSecret": True,
         "description": "An hk_... API key; empty or unset: act as the default organization's admin"},
        {"name": "HERALD_SECRET_KEY", "isRequired": False, "isSecret": True,
         "description": "Base64 32-byte key sealing platform credentials; unset: <data>/secret.key"},
    ]
    server = {
        "$schema": SERVER_SCHEMA,
        "name": name,
        "title": "herald",
        "description": "Schedule and publish social media posts: Mastodon, Bluesky, X, LinkedIn and more",
        "version": version,
    }
    if repo_url:
        server["repository"] = {"url": repo_url, "source": "github" if "github.com" in repo_url else "git"}
    server["packages"] = [{
        "registryType": "mcpb",
        "identifier": f"{base.rstrip('/')}/{bundle_name}",
        "version": version,
        "fileSha256": sha256(bundle),
        "transport": {"type": "stdio"},
        "environmentVariables": env_vars,
    }]
    server["remotes"] = [{
        "type": "streamable-http",
        "url": "https://{host}/mcp",
        "variables": {
            "host": {"description": "Host (and port, path) of your herald server, as in HERALD_PUBLIC_URL",
                     "isRequired": True},
        },
        "headers": [{
            "name": "Authorization",
            "description": "Bearer and an API key herald printed or `herald keys create` made",
            "value": "Bearer {api_key}",
            "isRequired": True,
            "isSecret": True,
            "variables": {"api_key": {"description": "An hk_... API key", "isRequired": True,
                                      "isSecret": True}},
        }],
    }]
    with open(os.path.join(out_dir, "server.json"), "w") as f:
        json.dump(server, f, indent=2)
        f.write("\n")

    if PLACEHOLDER_OWNER in name or PLACEHOLDER_OWNER in base:
        print("note: server.json has the OWNER placeholder; set HERALD_MCP_NAME and "
              "HERALD_MCPB_DOWNLOAD_URL before publishing it", file=sys.stderr)
    print(os.path.join(out_dir, bundle_name))
    print(os.path.join(out_dir, "server.json"))


if __name__ == "__main__":
    main()
