#!/usr/bin/env python3
"""Installs and launches a herald .mcpb as an MCPB host would, and checks server.json.

usage: mcpb_host.py BUNDLE SERVER_JSON WORK_DIR EXPECTED_DOWNLOAD_BASE

Unpacks BUNDLE (the archive, with zipfile, modes from the entries) into WORK_DIR/unpacked,
checks manifest.json, resolves mcp_config the way the MCPB host library does (defaults, then
the user's values; ${__dirname}, ${HOME}, ${user_config.X}) and runs the command speaking MCP
over stdio: with the API key left empty, with a wrong key, and with a real key. Writes the
resolved configurations to WORK_DIR/resolved-*.json (compared with the official library's by
mcpb_test.sh when it is installed). Every wait is bounded; exits non-zero on the first failure.
"""
import hashlib
import json
import os
import re
import selectors
import subprocess
import sys
import time
import zipfile

TIMEOUT = 30  # seconds for any one answer or exit

# manifest_version 0.3's top-level keys (src/schemas/0.3.ts in modelcontextprotocol/mcpb).
MANIFEST_KEYS = {
    "$schema", "dxt_version", "manifest_version", "name", "display_name", "version",
    "description", "long_description", "author", "repository", "homepage", "documentation",
    "support", "icon", "icons", "screenshots", "localization", "server", "tools",
    "tools_generated", "prompts", "prompts_generated", "keywords", "license", "privacy_policies",
    "compatibility", "user_config", "_meta",
}
USER_CONFIG_KEYS = {"type", "title", "description", "required", "default", "multiple",
                    "sensitive", "min", "max"}
USER_CONFIG_TYPES = {"string", "number", "boolean", "directory", "file"}
HOST_VARIABLES = {"__dirname", "HOME", "DESKTOP", "DOCUMENTS", "DOWNLOADS", "pathSeparator", "/"}


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def ok(msg):
    print(f"ok: {msg}")


def check(cond, msg):
    if not cond:
        fail(msg)


# --- unpacking ---------------------------------------------------------------------------

def unpack(bundle, dest):
    with zipfile.ZipFile(bundle) as z:
        check(z.testzip() is None, "a corrupt entry in the bundle")
        names = z.namelist()
        check("manifest.json" in names, f"no manifest.json at the bundle's root: {names}")
        for info in z.infolist():
            name = info.filename
            check(not name.startswith("/") and ".." not in name.split("/"), f"unsafe entry {name}")
            z.extract(info, dest)
            mode = (info.external_attr >> 16) & 0o7777
            if not info.is_dir() and mode:
                os.chmod(os.path.join(dest, name), mode)
    ok(f"unpacked {os.path.basename(bundle)}: {', '.join(sorted(names))}")
    return names


# --- manifest ----------------------------------------------------------------------------

def placeholders(value):
    """Every ${...} in a JSON value."""
    if isinstance(value, str):
        return re.findall(r"\$\{([^}]+)\}", value)
    if isinstance(value, list):
        return [p for v in value for p in placeholders(v)]
    if isinstance(value, dict):
        return [p for v in value.values() for p in placeholders(v)]
    return []


def check_manifest(root):
    with open(os.path.join(root, "manifest.json")) as f:
        m = json.load(f)
    check(m.get("manifest_version") == "0.3", f"manifest_version {m.get('manifest_version')!r}")
    for key in ("name", "version", "description"):
        check(isinstance(m.get(key), str) and m[key], f"manifest: no {key}")
    check(re.fullmatch(r"\d+\.\d+\.\d+([-+].*)?", m["version"]), f"version {m['version']!r} is not semver")
    check(isinstance(m.get("author"), dict) and m["author"].get("name"), "manifest: no author.name")
    unknown = set(m) - MANIFEST_KEYS
    check(not unknown, f"manifest keys not in v0.3: {sorted(unknown)}")
    check(m.get("compatibility", {}).get("platforms") == ["linux"],
          f"compatibility.platforms {m.get('compatibility')}")

    server = m.get("server") or {}
    check(server.get("type") == "binary", f"server.type {server.get('type')!r}")
    entry = server.get("entry_point", "")
    path = os.path.join(root, entry)
    check(entry and os.path.isfile(path), f"entry_point {entry!r} is not in the bundle")
    check(os.access(path, os.X_OK), f"entry_point {entry} is not executable once unpacked")
    cfg = server.get("mcp_config") or {}
    check(cfg.get("command") == "${__dirname}/" + entry,
          f"mcp_config.command {cfg.get('command')!r} is not ${{__dirname}}/{entry}")
    check(set(cfg) <= {"command", "args", "env", "platform_overrides"}, f"mcp_config keys {sorted(cfg)}")
    check(all(isinstance(a, str) for a in cfg.get("args", [])), "mcp_config.args are not strings")
    check(all(isinstance(v, str) for v in cfg.get("env", {}).values()), "mcp_config.env values are not strings")

    uc = m.get("user_config") or {}
    for key, opt in uc.items():
        check(set(opt) <= USER_CONFIG_KEYS, f"user_config.{key}: keys {sorted(opt)}")
        check(opt.get("type") in USER_CONFIG_TYPES, f"user_config.{key}: type {opt.get('type')!r}")
        check(opt.get("title") and opt.get("description"), f"user_config.{key}: no title or description")
        # Claude Desktop passes a default as it is, ${HOME} included (modelcontextprotocol/mcpb
        # issue 251): herald would get a relative directory literally named "${HOME}".
        check("${" not in json.dumps(opt.get("default", "")), f"user_config.{key}: a variable in its default")
    used = set()
    for p in placeholders(cfg):
        if p.startswith("user_config."):
            used.add(p[len("user_config."):])
        else:
            check(p in HOST_VARIABLES, f"mcp_config uses an unknown variable ${{{p}}}")
    check(used <= set(uc), f"mcp_config uses undeclared user_config: {sorted(used - set(uc))}")
    check(set(uc) <= used, f"user_config never used in mcp_config: {sorted(set(uc) - used)}")
    for key in used:
        # A host leaves ${user_config.X} as it is when X has neither a value nor a default: an
        # optional field needs the default "" to reach herald as an empty (= unset) variable.
        if not uc[key].get("required"):
            check(uc[key].get("default") == "", f"optional user_config.{key} has no default \"\"")
    check(uc.get("data_dir", {}).get("type") == "directory" and uc["data_dir"].get("required"),
          "user_config.data_dir is not a required directory")
    check(uc.get("api_key", {}).get("sensitive") and not uc["api_key"].get("required"),
          "user_config.api_key is not an optional sensitive string")

    version = subprocess.run([path, "version"], capture_output=True, text=True, timeout=TIMEOUT)
    check(version.stdout.strip() == f"herald {m['version']}",
          f"the bundled binary says {version.stdout.strip()!r}, the manifest {m['version']}")
    check(m.get("tools"), "the manifest lists no tools")
    ok(f"manifest.json: v0.3, {m['name']} {m['version']}, binary entry point {entry} runs, "
       f"user_config {sorted(uc)} all declared and used, {len(m['tools'])} tools listed")
    return m


# --- the host's substitution -------------------------------------------------------------

def resolve(manifest, dirname, home, user_values):
    """mcp_config with variables replaced as @anthropic-ai/mcpb's getMcpConfigForManifest does:
    manifest defaults, then the user's values; an argument that is exactly ${user_config.X}
    becomes the value; other strings get every known variable replaced."""
    cfg = manifest["server"]["mcp_config"]
    variables = {"__dirname": dirname, "pathSeparator": "/", "/": "/", "HOME": home}
    merged = {k: o["default"] for k, o in manifest.get("user_config", {}).items() if "default" in o}
    merged.update(user_values)
    for k, v in merged.items():
        variables[f"user_config.{k}"] = ("true" if v else "false") if isinstance(v, bool) else str(v)

    def sub(value):
        if isinstance(value, str):
            for k, v in variables.items():
                value = value.replace("${" + k + "}", v)
            return value
        if isinstance(value, list):
            out = []
            for item in value:
                m = re.fullmatch(r"\$\{(user_config\.[^}]+)\}", item) if isinstance(item, str) else None
                if m and variables.get(m.group(1)):
                    out.append(variables[m.group(1)])
                elif m:
                    out.append(item)
                else:
                    out.append(sub(item))
            return out
        if isinstance(value, dict):
            return {k: sub(v) for k, v in value.items()}
        return value

    resolved = sub({k: v for k, v in cfg.items() if k != "platform_overrides"})
    left = placeholders(resolved)
    check(not left, f"placeholders left after substitution: {left}")
    return resolved


# --- MCP over stdio ----------------------------------------------------------------------

class Server:
    def __init__(self, cfg):
        env = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
        env.update(cfg.get("env", {}))
        self.proc = subprocess.Popen([cfg["command"], *cfg.get("args", [])], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.proc.stdout, selectors.EVENT_READ, "out")
        self.sel.register(self.proc.stderr, selectors.EVENT_READ, "err")
        self.out = b""
        self.err = b""
        self.eof = False

    def send(self, msg):
        try:
            self.proc.stdin.write((json.dumps(msg) + "\n").encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass  # it exited; what it said is read below

    def _pump(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        for key, _ in self.sel.select(left):
            chunk = os.read(key.fileobj.fileno(), 65536)
            if not chunk:
                self.sel.unregister(key.fileobj)
                if key.data == "out":
                    self.eof = True
            elif key.data == "out":
                self.out += chunk
            else:
                self.err += chunk
        return True

    def response(self, id_):
        deadline = time.monotonic() + TIMEOUT
        while True:
            while b"\n" in self.out:
                line, self.out = self.out.split(b"\n", 1)
                msg = json.loads(line)
                if msg.get("id") == id_ and ("result" in msg or "error" in msg):
                    return msg
            if self.eof:
                return None
            if not self._pump(deadline):
                fail(f"no answer to request {id_} within {TIMEOUT} s; stderr: {self.stderr()}")

    def request(self, id_, method, params=None):
        self.send({"jsonrpc": "2.0", "id": id_, "method": method, "params": params or {}})
        msg = self.response(id_)
        check(msg is not None, f"{method}: herald closed stdout without answering; exit "
                               f"{self.proc.poll()}, stderr: {self.stderr()}")
        check("result" in msg, f"{method}: {msg.get('error')}")
        return msg["result"]

    def close(self):
        """Closes stdin (how a host stops a stdio server) and waits for the exit."""
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        deadline = time.monotonic() + TIMEOUT
        while self.sel.get_map() and self._pump(deadline):
            pass
        try:
            return self.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            fail(f"herald did not exit within {TIMEOUT} s of stdin closing")

    def stderr(self):
        return self.err.decode(errors="replace").strip()


def initialize(srv):
    res = srv.request(1, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                        "clientInfo": {"name": "mcpb-test-host", "version": "1"}})
    srv.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    return res


def session(cfg, manifest, label):
    srv = Server(cfg)
    res = initialize(srv)
    check(res.get("protocolVersion") == "2025-06-18", f"{label}: protocolVersion {res.get('protocolVersion')}")
    info = res.get("serverInfo", {})
    check(info.get("name") == "herald" and info.get("version") == manifest["version"],
          f"{label}: serverInfo {info}")
    tools = {t["name"] for t in srv.request(2, "tools/list")["tools"]}
    call = srv.request(3, "tools/call", {"name": "list_platforms", "arguments": {}})
    check(not call.get("isError"), f"{label}: list_platforms failed: {call}")
    text = "".join(c.get("text", "") for c in call.get("content", []))
    structured = json.dumps(call.get("structuredContent", {}))
    check("mastodon" in text + structured, f"{label}: list_platforms does not list mastodon: {text[:300]}")
    code = srv.close()
    check(code == 0, f"{label}: exit {code} after stdin closed; stderr: {srv.stderr()}")
    return tools


def main():
    bundle, server_json, work, base = sys.argv[1:5]
    home = os.path.join(work, "home")
    os.makedirs(home)
    root = os.path.join(work, "unpacked")
    unpack(bundle, root)
    manifest = check_manifest(root)

    # 1. Installed with the data directory chosen and the optional fields left alone.
    data = os.path.join(work, "data dir")  # a space, as a picked directory may have
    cfg = resolve(manifest, root, home, {"data_dir": data})
    with open(os.path.join(work, "resolved-default.json"), "w") as f:
        json.dump(cfg, f)
    check(cfg["env"].get("HERALD_API_KEY") == "", f"HERALD_API_KEY resolves to {cfg['env'].get('HERALD_API_KEY')!r}")
    tools = session(cfg, manifest, "empty api_key")
    listed = {t["name"] for t in manifest["tools"]}
    check(listed <= tools, f"manifest tools the server lacks: {sorted(listed - tools)}")
    check(os.path.isfile(os.path.join(data, "herald.db")) and os.path.isfile(os.path.join(data, "secret.key")),
          f"herald did not use the chosen data directory: {os.listdir(work)}")
    ok(f"launched with api_key empty (the local admin): initialize 2025-06-18, {len(tools)} tools, "
       f"list_platforms answered, clean exit, data in the chosen directory")

    # 2. The same with the fields given as empty strings (a user who cleared them).
    cfg = resolve(manifest, root, home, {"data_dir": data, "api_key": "", "secret_key": ""})
    with open(os.path.join(work, "resolved-empty.json"), "w") as f:
        json.dump(cfg, f)
    session(cfg, manifest, "api_key \"\"")
    ok("launched with api_key and secret_key set to \"\": the same")

    # 3. A wrong key: herald must not serve, and say why where the host shows server errors.
    wrong = "hk_" + "x" * 43
    cfg = resolve(manifest, root, home, {"data_dir": data, "api_key": wrong})
    srv = Server(cfg)
    srv.send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                         "clientInfo": {"name": "mcpb-test-host", "version": "1"}}})
    answer = srv.response(1)
    code = srv.close()
    err = srv.stderr()
    # herald answers every request with an error the host shows, then exits when stdin closes.
    check(answer is not None and "error" in answer,
          f"wrong api_key: expected an error answer to initialize, got {answer}")
    message = answer["error"].get("message", "")
    check("HERALD_API_KEY is not valid" in message, f"wrong api_key: the error does not say why: {message!r}")
    check(code == 2, f"wrong api_key: exit {code} (expected 2); stderr: {err}")
    check("HERALD_API_KEY: invalid API key" in err, f"wrong api_key: stderr does not say why: {err!r}")
    check(wrong not in err and wrong not in json.dumps(answer), "wrong api_key: the key is echoed")
    ok(f"launched with a wrong api_key: error {answer['error'].get('code')} {message[:60]!r}..., "
       f"exit 2, stderr {err!r}")

    # 4. A real key (made with `herald keys create` in the same data directory).
    made = subprocess.run([os.path.join(root, manifest["server"]["entry_point"]), "--data", data,
                           "--log-level", "warn", "keys", "create", "--name", "mcpb-test", "--role", "editor"],
                          capture_output=True, text=True, timeout=TIMEOUT,
                          env={k: v for k, v in os.environ.items() if not k.startswith("HERALD_")})
    key = made.stdout.strip()
    check(made.returncode == 0 and key.startswith("hk_"), f"keys create: {made.returncode} {made.stderr}")
    cfg = resolve(manifest, root, home, {"data_dir": data, "api_key": key})
    editor_tools = session(cfg, manifest, "editor api_key")
    ok(f"launched with an editor key: {len(editor_tools)} tools, list_platforms answered")

    # 5. server.json for the registry.
    with open(server_json) as f:
        sj = json.load(f)
    check(sj.get("$schema", "").endswith("/server.schema.json"), f"$schema {sj.get('$schema')}")
    check(re.fullmatch(r"[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+", sj.get("name", "")), f"name {sj.get('name')!r}")
    check(0 < len(sj.get("description", "")) <= 100, "description empty or over 100 characters")
    check(sj.get("version") == manifest["version"], f"version {sj.get('version')} != {manifest['version']}")
    pkgs = sj.get("packages") or [{}]
    pkg = pkgs[0]
    check(pkg.get("registryType") == "mcpb", f"packages[0].registryType {pkg.get('registryType')!r}")
    with open(bundle, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    check(pkg.get("fileSha256") == digest, f"fileSha256 {pkg.get('fileSha256')} != {digest}")
    check(pkg.get("version") == manifest["version"], f"packages[0].version {pkg.get('version')}")
    check(pkg.get("identifier") == base.rstrip("/") + "/" + os.path.basename(bundle),
          f"identifier {pkg.get('identifier')!r}")
    check("mcp" in pkg["identifier"], "the registry wants \"mcp\" in an MCPB package URL")
    check(pkg.get("transport") == {"type": "stdio"}, f"transport {pkg.get('transport')}")
    names = {e["name"] for e in pkg.get("environmentVariables", [])}
    check({"HERALD_DATA", "HERALD_API_KEY"} <= names, f"environmentVariables {sorted(names)}")
    secret = {e["name"] for e in pkg["environmentVariables"] if e.get("isSecret")}
    check({"HERALD_API_KEY", "HERALD_SECRET_KEY"} <= secret, f"secret variables {sorted(secret)}")
    remote = (sj.get("remotes") or [{}])[0]
    check(remote.get("type") == "streamable-http" and remote.get("url", "").endswith("/mcp"),
          f"remotes[0] {remote}")
    for var in re.findall(r"\{([^}]+)\}", remote["url"]):
        check(var in remote.get("variables", {}), f"remotes[0].url variable {var} is not described")
    ok(f"server.json: {sj['name']} {sj['version']}, mcpb package sha256 {digest[:12]}..., "
       f"stdio, remote {remote['url']}")


if __name__ == "__main__":
    main()
