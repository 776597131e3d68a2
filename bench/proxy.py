"""nginx in front of several app processes, configured as docs/DEPLOY.md configures it, for the many-users
measure: websocket upgrade, one upstream per app process, sticky by the `cc_route` cookie (every bench
session comes from 127.0.0.1, so `ip_hash` would send them all to one process).

Needs Debian's `nginx-light` (scripts/system_deps.sh installs it); `nginx_available()` says whether it is here.
"""

from __future__ import annotations

import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

from bench.live import free_port, serving

NGINX_PATHS = ("/usr/sbin/nginx", "/usr/bin/nginx")
ROUTE_COOKIE = "cc_route"

# The frame every nginx we run shares: one worker, all its files under `root`, no access log; `http` holds
# the site (upstreams, maps, server blocks). docs/DEPLOY.md's lockdown test fills it in its own way.
FRAME = """
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections {connections}; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
{http}
}}
"""
SITE = """    upstream compute_ceiling {{
        hash $cookie_{cookie} consistent;
{servers}
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      close;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 20m;
        location / {{
            proxy_pass http://compute_ceiling;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_read_timeout 86400s;
            proxy_send_timeout 86400s;
            proxy_buffering off;
        }}
    }}"""


def nginx_config(root: Path, http: str, connections: int = 1024) -> str:
    """A whole nginx.conf: the shared frame around the `http` block's contents."""
    return FRAME.format(root=root, connections=connections, http=http)


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((path for path in NGINX_PATHS if Path(path).exists()), None)


def nginx_available() -> bool:
    return nginx_binary() is not None


def write_config(root: Path, port: int, upstreams: list[str]) -> Path:
    """The nginx.conf of a proxy on 127.0.0.1:`port` over `upstreams` ("http://127.0.0.1:8502", …)."""
    servers = "\n".join(f"        server {url.split('://', 1)[1].rstrip('/')};" for url in upstreams)
    path = root / "nginx.conf"
    path.write_text(nginx_config(root, SITE.format(port=port, servers=servers, cookie=ROUTE_COOKIE)))
    return path


@contextmanager
def running_nginx(root: Path, config: Path, port: int, timeout_s: float = 15):
    """Run nginx in the foreground with `config` (listening on 127.0.0.1:`port`); yield (url, master process)."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx is not installed (apt-get install nginx-light)")
    proc = subprocess.Popen([binary, "-p", str(root), "-c", str(config), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # errors go to root/error.log
    with serving(proc, f"http://127.0.0.1:{port}", timeout_s, name="nginx") as url:
        yield url, proc


@contextmanager
def nginx_proxy(upstreams: list[str], root: Path, timeout_s: float = 15):
    """Run nginx in the foreground over `upstreams`; yield (proxy url, nginx master process)."""
    if nginx_binary() is None:
        raise FileNotFoundError("nginx is not installed (apt-get install nginx-light)")
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with running_nginx(root, write_config(root, port, upstreams), port, timeout_s) as running:
        yield running
