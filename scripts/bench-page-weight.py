#!/usr/bin/env python3
"""What each page makes a phone download, for two release builds in one run (issue 24).

For every page: the HTML as sent (brotli, as browsers ask), the inline script bytes, and the
files it loads (module JS, wasm, CSS) with their transfer size, Content-Encoding and
Cache-Control, fetched with `Accept-Encoding: gzip, deflate, br`.

    python3 scripts/bench-page-weight.py <server A> <site A> <server B> <site B>
"""
import os, re, socket, subprocess, sys, tempfile, time, urllib.request

PAGES = ["/", "/videosprechstunde", "/praxen/demo-praxis", "/datenschutz", "/anmelden", "/registrieren"]


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port


def get(url, coding):
    req = urllib.request.Request(url, headers={"accept-encoding": coding})
    with urllib.request.urlopen(req) as r:
        return r.read(), r.headers


def measure(server, site):
    port, data = free_port(), tempfile.mkdtemp()
    env = dict(os.environ, APP_ICE__TURN_PORT="0", LEPTOS_SITE_ADDR=f"127.0.0.1:{port}",
               LEPTOS_SITE_ROOT=site, DATABASE_URL=f"sqlite://{data}/bench.db",
               APP_EMAIL__OUTBOX_DIR=f"{data}/outbox", APP_APPLICATION__BASE_URL=f"http://127.0.0.1:{port}",
               RUST_LOG="warn")
    proc = subprocess.Popen([server], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                get(base + "/health/ready", "identity"); break
            except Exception:
                time.sleep(0.1)
        time.sleep(10)  # the precompression at start (brotli -q 11 of the wasm) is done by then
        rows = []
        for path in PAGES:
            html, _ = get(base + path, "identity")
            html = html.decode()
            sent, _ = get(base + path, "gzip, deflate, br")
            inline = sum(len(m) for m in re.findall(r"<script[^>]*>(.*?)</script>", html, re.S))
            links = re.findall(r'(?:href|src)="(/pkg/[^"]+)"', html)
            files = []
            for link in dict.fromkeys(links):
                body, headers = get(base + link, "gzip, deflate, br")
                files.append((link.rsplit(".", 1)[-1], len(body), headers.get("content-encoding", "-"),
                              headers.get("cache-control", "-")))
            rows.append((path, len(sent), html.count("<script"), inline, files))
        return rows
    finally:
        proc.terminate(); proc.wait()


def main():
    a_server, a_site, b_server, b_site = sys.argv[1:5]
    for label, server, site in (("before", a_server, a_site), ("after", b_server, b_site)):
        print(f"\n{label}:\n")
        print("| page | HTML sent | `<script>` | inline script B | JS | wasm | CSS | wasm Cache-Control |")
        print("|---|---|---|---|---|---|---|---|")
        for path, sent, scripts, inline, files in measure(server, site):
            by = {kind: (size, enc, cache) for kind, size, enc, cache in files}
            cell = lambda k: f"{by[k][0]:,} ({by[k][1]})" if k in by else "0"
            cache = by["wasm"][2] if "wasm" in by else "–"
            print(f"| `{path}` | {sent:,} | {scripts} | {inline:,} | {cell('js')} | {cell('wasm')} | {cell('css')} | {cache} |")


if __name__ == "__main__":
    main()
