"""Fuzzes the public HTTP API (every /api/v1 route) with schemathesis.

Starts the release server on a free port over a fresh SQLite database (no
demo data), signs up an owner and creates an API key the way a user does
(server functions over HTTP), then runs schemathesis against the OpenAPI
document the server serves at /api/v1/openapi.json. Fails on any 5xx, any
status code, content type or body outside the document.

Usage: api_fuzz.py SERVER_BINARY [--examples N] [--seed N]
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base: str, child: subprocess.Popen) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        if child.poll() is not None:
            sys.exit(f"server exited with {child.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    sys.exit("server did not become healthy")


def call(opener, base: str, name: str, fields: dict) -> dict:
    body = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(
        f"{base}/api/{name}",
        data=body,
        headers={"Origin": base, "Content-Type": "application/x-www-form-urlencoded"},
    )
    with opener.open(request, timeout=30) as r:
        return json.loads(r.read() or b"null")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("server")
    parser.add_argument("--examples", type=int, default=150)
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="comptoir-api-fuzz-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite://{work}/fuzz.db?mode=rwc",
        LEPTOS_SITE_ADDR=f"127.0.0.1:{port}",
        LEPTOS_SITE_ROOT=os.path.join(root, "target/site"),
        COMPTOIR_BASE_URL=base,
        COMPTOIR_MAILDIR=os.path.join(work, "mailbox"),
        COMPTOIR_PA_DIR=os.path.join(work, "einvoicing"),
        COMPTOIR_DEMO_SEED="never",
        RUST_LOG=os.environ.get("RUST_LOG", "warn"),
    )
    child = subprocess.Popen([args.server, "serve"], env=env, cwd=root)
    try:
        wait_healthy(base, child)
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        call(
            opener,
            base,
            "sign_up",
            {
                "name": "Léa Dubois",
                "email": "lea@fuzz.test",
                "password": "Coaching-Fuzz-2026",
                "workspace_name": "Léa Coaching",
                "pack": "coach",
                "consent": "on",
            },
        )
        key = call(opener, base, "create_api_key", {"name": "schemathesis"})["secret"]
        command = [
            os.path.join(os.path.dirname(sys.executable), "schemathesis"),
            "run",
            f"{base}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {key}",
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,"
            "response_headers_conformance,response_schema_conformance",
            "--max-examples",
            str(args.examples),
            "--seed",
            str(args.seed),
            "--no-color",
        ]
        print("+", " ".join(c if "Bearer" not in c else "Authorization: Bearer cpt_…" for c in command), flush=True)
        return subprocess.call(command)
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
