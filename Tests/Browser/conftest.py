"""Browser tests of the website tag: a real `beckon serve` (the debug build) on a temporary
SQLite database, a small test site served locally, and Debian's headless Chromium."""
import http.server
import json
import os
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(__file__).resolve().parent / "site"
OUTPUT = ROOT / ".build" / "browser-output"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Beckon:
    """The server, the account `acme`, its site and an admin key."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="beckon-browser-")
        self.db = os.path.join(self.dir, "beckon.sqlite")
        self.port = free_port()
        self.site_port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.site_origin = f"http://127.0.0.1:{self.site_port}"
        self.env = dict(os.environ, STORAGE_SQLITE_PATH=self.db, LOG_LEVEL="warning")
        binary = os.environ.get("BECKON_BIN", str(ROOT / ".build" / "debug" / "beckon"))
        self.binary = binary
        self.admin_password = self.run("account", "create", "acme", "--admin-email", "admin@acme.example", "--json")["adminPassword"]
        self.site_id = self.run("site", "create", "acme", "--origin", self.site_origin, "--json")["siteId"]
        self.bearer = self.run("apikey", "create", "acme", "--scopes", "admin", "--json")["bearer"]
        # Webhooks may go to the test site's receiver on 127.0.0.1 (docs/webhooks.md).
        self.process = subprocess.Popen([binary, "serve", "--http-port", str(self.port), "--webhooks-allow-private-targets", "true",
                                         "--webhooks-allow-http", "true"], env=self.env, cwd=ROOT,
                                        stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "serve.log"), "w"))
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + "/readyz", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        self.api("PATCH", "/api/v1/accounts/acme/settings", {"caps": {"perVisit": None}})

    def run(self, *args):
        out = subprocess.run([self.binary, *args], env=self.env, cwd=ROOT, capture_output=True, text=True, check=True)
        return json.loads(out.stdout)

    def api(self, method, path, body=None):
        request = urllib.request.Request(self.base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                         headers={"Authorization": "Bearer " + self.bearer, "Content-Type": "application/json"})
        with urllib.request.urlopen(request) as response:
            text = response.read()
            return json.loads(text) if text else None

    def campaign(self, name, engagement, **settings):
        """A live campaign with one engagement; answers the engagement."""
        campaign = self.api("POST", "/api/v1/accounts/acme/campaigns", {"name": name, "status": "live", **settings})
        defaults = {"name": name, "type": "content", "placement": "toaster",
                    "creative": {"html": "<p>Hello {{name}}</p><button data-beckon-click>Call me</button>"}}
        return self.api("POST", f"/api/v1/accounts/acme/campaigns/{campaign['id']}/engagements", {**defaults, **engagement})

    def events(self, kind=None):
        db = sqlite3.connect(self.db)
        try:
            rows = db.execute("SELECT kind, visitor_id, payload FROM journal ORDER BY sequence").fetchall()
        finally:
            db.close()
        return [(k, v, json.loads(p)) for k, v, p in rows if kind is None or k == kind]

    def wait_for_event(self, predicate, seconds=5):
        deadline = time.time() + seconds
        while time.time() < deadline:
            found = [e for e in self.events() if predicate(e)]
            if found:
                return found
            time.sleep(0.1)
        return []

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class Site(http.server.ThreadingHTTPServer):
    """Any path ending in .html (or under /spa/) is the page template with the tag; call.html is the brand page."""


def make_handler(beckon):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            path = self.path.split("?")[0]
            if path == "/call.html":
                body = (SITE / "call.html").read_text()
            elif path == "/dead-tag.js":
                tag = urllib.request.urlopen(f"{beckon.base}/tag/v1/acme/{beckon.site_id}.js").read().decode()
                body = tag.replace('"accountId":"acme"', f'"base":"http://127.0.0.1:{free_port()}","accountId":"acme"')
                self.respond(body, "application/javascript")
                return
            else:
                sections = "[]"
                if "section=" in self.path:
                    sections = json.dumps(self.path.split("section=")[1].split("&")[0].split(","))
                consent = ' data-consent="required"' if "consent=required" in self.path else ""
                src = f"{beckon.base}/tag/v1/acme/{beckon.site_id}.js"
                if "tag=unreachable" in self.path:
                    src = f"http://127.0.0.1:{free_port()}/tag/v1/acme/{beckon.site_id}.js"
                if "tag=deadapi" in self.path:
                    src = "/dead-tag.js"
                nonce, policy = "", None
                if "csp=1" in self.path:
                    # A strict policy: only scripts and styles with this page's nonce run.
                    value = "dGVzdC1ub25jZS0x"
                    nonce, policy = f' nonce="{value}"', f"script-src 'nonce-{value}'; style-src 'nonce-{value}'"
                pin = ""
                if "sri=1" in self.path:
                    answer = json.load(urllib.request.urlopen(src + "?sri=1"))
                    pin = f' integrity="{answer["integrity"]}" crossorigin="{answer["crossorigin"]}"'
                tag = f'<script async src="{src}"{consent}{nonce}{pin}></script>'
                body = (SITE / "page.html").read_text().replace("{{TAG}}", tag).replace("{{SECTIONS}}", sections) \
                    .replace("{{TITLE}}", path.strip("/") or "home").replace("{{NONCE}}", nonce)
                self.respond(body, "text/html", policy)
                return
            self.respond(body, "text/html")

        def do_POST(self):
            # A webhook receiver that is gone: Beckon turns the endpoint off.
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(410 if self.path.startswith("/hook-gone") else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def respond(self, body, kind, policy=None):
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", kind + "; charset=utf-8")
            if policy:
                self.send_header("Content-Security-Policy", policy)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@pytest.fixture(scope="session")
def beckon():
    server = Beckon()
    site = Site(("127.0.0.1", server.site_port), make_handler(server))
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    yield server
    site.shutdown()
    server.stop()


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,900"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")),
                              options=options)
    yield driver
    driver.quit()
