"""nginx in front of the bench's gunicorn, as deployed: Lighthouse measures what a phone
gets from the production site, whose nginx serves /static/ itself (compressed, cached a
year) and proxies the pages (deploy/nginx/portal.conf).

The site's own `location /static/ { ... }` block and the cache map it reads are copied
from deploy/nginx/portal.conf (only the folder is this checkout's), in a plain-HTTP
server on a free 127.0.0.1 port; everything else goes to the gunicorn given. Without
nginx on the PATH there is no front, and the caller audits gunicorn directly (static
files then come uncompressed, from Flask).
"""

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from servers import HOST, ROOT, free_port

SITE = ROOT / "deploy" / "nginx" / "portal.conf"
DEPLOYED_STATIC = "/srv/portal/app/static/"
MIME_TYPES = Path("/etc/nginx/mime.types")


def available() -> bool:
    return bool(shutil.which("nginx")) and MIME_TYPES.exists()


def block(site: str, opening: str) -> str:
    """The text of the block that starts with `opening` (up to its closing brace)."""
    start = site.index(opening)
    depth = 0
    for end in range(start, len(site)):
        if site[end] == "{":
            depth += 1
        elif site[end] == "}":
            depth -= 1
            if depth == 0:
                return site[start : end + 1]
    raise ValueError(f"no end to {opening!r} in {SITE}")


def front_config(tmp: Path, port: int, upstream: str) -> str:
    """nginx.conf for a front on `port`: the deployed /static/ block, the rest proxied."""
    site = SITE.read_text()
    static = block(site, "location /static/ {").replace(DEPLOYED_STATIC, f"{ROOT / 'static'}/")
    cache_map = block(site, "map $arg_v $portal_static_cache {")
    temp = "\n".join(
        f"    {name}_temp_path {tmp}/{name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{}}
http {{
    include {MIME_TYPES};
    access_log off;
{temp}
    {cache_map}
    server {{
        listen {HOST}:{port};
        {static}
        location / {{
            proxy_pass {upstream};
            proxy_set_header Host $host;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
"""


class NginxFront:
    """nginx on a free port in front of `upstream` (http://127.0.0.1:PORT) until stop()."""

    def __init__(self, upstream: str, tmp: Path):
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        tmp.mkdir(parents=True, exist_ok=True)
        conf = tmp / "nginx.conf"
        conf.write_text(front_config(tmp, self.port, upstream))
        self.process = subprocess.Popen(
            ["nginx", "-p", str(tmp), "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def wait_ready(self, path: str = "/healthz", timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx stopped: {self.process.stderr.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=2):  # noqa: S310 (http://127.0.0.1 only)
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        raise RuntimeError(f"nginx on {self.base} did not answer within {timeout} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stderr.close()
