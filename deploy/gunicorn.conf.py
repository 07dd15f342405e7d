"""gunicorn settings for the portal: `gunicorn -c deploy/gunicorn.conf.py`.

Every value can be changed in the environment (the systemd unit reads /etc/portal/portal.env).
Reload without losing a request: `systemctl reload portal` (SIGHUP): the master keeps the
listening socket, starts new workers with the new code, and lets the old ones finish what
they are serving (up to `graceful_timeout`) before they exit.
"""

import os

wsgi_app = "portal:create_app()"
bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")

# gthread with two threads a worker (docs/operations.md, "Worker model", from a measured
# kill -9): a worker that dies loses only the requests it had in flight, at most two; a
# thread waiting on the database does not hold a whole process; two or three workers
# per core. nginx buffers slow uploads and downloads, so no thread waits on a slow client.
worker_class = os.environ.get("PORTAL_WORKER_CLASS", "gthread")
workers = int(os.environ.get("PORTAL_WORKERS", 2 * (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("PORTAL_THREADS", 2))
# A request may take this long (a PDF, a large export); then the worker is replaced.
timeout = int(os.environ.get("PORTAL_TIMEOUT", 60))
# On reload and stop, requests in progress get this long to finish.
graceful_timeout = int(os.environ.get("PORTAL_GRACEFUL_TIMEOUT", 30))
keepalive = 5
# Replace each worker after a while (a slow leak never grows for ever), at staggered times.
max_requests = int(os.environ.get("PORTAL_MAX_REQUESTS", 5000))
max_requests_jitter = max_requests // 10
# The code is loaded by each worker, not the master: a reload (HUP) picks up a new release.
preload_app = False

# nginx on the same host is the only client; it sets X-Forwarded-Proto (gunicorn's
# wsgi.url_scheme) and X-Forwarded-For (the app's ProxyFix with PROXY_FIX_X_FOR=1).
forwarded_allow_ips = os.environ.get("PORTAL_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
# Not the user's shared ~/.gunicorn control socket: systemd signals the master directly.
control_socket_disable = True

#: /healthz from the master while every worker may be busy (portal/serving.py); nginx
#: sends the load balancer's /healthz here. Empty: no listener.
health_bind = os.environ.get("PORTAL_HEALTH_BIND", "127.0.0.1:8001")


def when_ready(server):
    if health_bind:
        from portal.serving import start_in_master

        start_in_master(server, health_bind)
