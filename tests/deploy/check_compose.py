"""Checks deploy/compose.yaml without a container engine: check_compose.py <compose.yaml>.

herald and PostgreSQL, each with a health check; herald waits for a healthy database, keeps its
state in a named volume, gets the secret key as a compose secret (never as a plain variable)
and publishes only on loopback.
"""
import os
import sys

import yaml


def main(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    problems = []

    def need(cond, what):
        if not cond:
            problems.append(what)

    services = doc.get("services") or {}
    need(set(services) >= {"herald", "db"}, "services herald and db")
    for name, svc in services.items():
        hc = svc.get("healthcheck") or {}
        need(isinstance(hc.get("test"), list) and hc["test"], f"{name}: a healthcheck test")
    herald = services.get("herald", {})
    db = services.get("db", {})
    need(herald.get("depends_on", {}).get("db", {}).get("condition") == "service_healthy",
         "herald depends on a healthy db")
    secrets = doc.get("secrets") or {}
    need("herald_secret_key" in secrets, "a herald_secret_key secret")
    need("herald_secret_key" in (herald.get("secrets") or []), "herald gets herald_secret_key")
    env = herald.get("environment") or {}
    need("HERALD_SECRET_KEY" not in env, "no secret key in herald's environment")
    need(str(env.get("HERALD_DB", "")).startswith("postgresql://"), "herald on PostgreSQL")
    need(env.get("HERALD_BACKUP_DIR"), "backups on")
    volumes = doc.get("volumes") or {}
    for name, svc in (("herald", herald), ("db", db)):
        mounts = [str(v).split(":")[0] for v in svc.get("volumes") or []]
        need(any(m in volumes for m in mounts), f"{name}: a named volume")
    for port in herald.get("ports") or []:
        need(str(port).startswith("127.0.0.1:"), f"herald publishes {port} beyond loopback")
    base = os.path.dirname(path)
    build = herald.get("build") or {}
    context = os.path.join(base, build.get("context", "."))
    need(os.path.isfile(os.path.join(context, build.get("dockerfile", "Dockerfile"))),
         "herald's build file exists")
    for name, s in secrets.items():
        need("file" in s or "environment" in s, f"secret {name}: a source")
    if problems:
        print("compose.yaml: " + "; ".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
