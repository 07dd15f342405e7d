"""bench/nginx_front.py puts the deployed nginx site's /static/ block in front of the
bench's gunicorn, so Lighthouse measures what a phone gets in production: the stylesheet
compressed, a page proxied and never compressed (deploy/nginx/portal.conf, BREACH)."""

import gzip
import http.server
import shutil
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import nginx_front  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def test_the_front_takes_the_deployed_static_block_with_this_checkouts_folder(tmp_path):
    conf = nginx_front.front_config(tmp_path, 8080, "http://127.0.0.1:9")
    assert "gzip on;" in conf and f"alias {ROOT / 'static'}/;" in conf
    assert nginx_front.DEPLOYED_STATIC not in conf and "proxy_pass http://127.0.0.1:9;" in conf
    assert "map $arg_v $portal_static_cache" in conf


class Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the standard library's name)
        body = ("<!doctype html><title>页面</title>" + "<p>一个页面，带着表单令牌。</p>" * 200).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.skipif(not nginx_front.available(), reason="nginx is not installed")
def test_static_files_come_compressed_and_pages_do_not(tmp_path):
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    front = nginx_front.NginxFront(f"http://127.0.0.1:{upstream.server_address[1]}", tmp_path / "nginx")
    try:
        front.wait_ready("/")

        def get(path):
            request = urllib.request.Request(front.base + path, headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (127.0.0.1)
                return response.headers, response.read()

        headers, body = get("/static/css/portal.css?v=1")
        assert headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body) == (ROOT / "static" / "css" / "portal.css").read_bytes()
        assert "immutable" in headers["Cache-Control"]
        headers, body = get("/a-page")
        assert headers.get("Content-Encoding") is None and "页面".encode() in body
    finally:
        front.stop()
        upstream.shutdown()
        upstream.server_close()
    assert shutil.which("nginx")
