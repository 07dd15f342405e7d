"""A measured `kill -9` of a gunicorn worker under load (issue #37), on loopback only.

    PORTAL_TEST_DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/kill_worker.py

For each worker model: gunicorn with deploy/gunicorn.conf.py, VISITORS clients each
looping GET / then a legal aid application (a fresh connection per request, as nginx
opens towards the app), SIGKILL of one worker after KILL_AT seconds, RUN seconds in all.
Counts what clients saw (answers, 5xx, dropped connections) and the submissions committed
whose client got no answer (a retry would duplicate them: the one-time intake key is the
answer to that). Bounded: a few seconds per model, loopback ports, our own processes.
"""

import os
import signal
import sys
import threading
import time
from pathlib import Path
from tempfile import TemporaryDirectory

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from sqlalchemy import func, select  # noqa: E402

from portal import create_app  # noqa: E402
from portal.core.intake import ANSWERS_CHECKED  # noqa: E402
from portal.core.models import ServiceRequest  # noqa: E402
from portal.extensions import db  # noqa: E402

from serving import REFERENCE, Browser, Gunicorn  # noqa: E402
from support import application_form  # noqa: E402

VISITORS, KILL_AT, RUN = 12, 4.0, 10.0
MODELS = {
    "gthread 2x4": dict(PORTAL_WORKER_CLASS="gthread", workers=2, threads=4),
    "gthread 4x2": dict(PORTAL_WORKER_CLASS="gthread", workers=4, threads=2),
    "sync 5": dict(PORTAL_WORKER_CLASS="sync", workers=5, threads=1),
}


def committed(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(ServiceRequest))
        db.session.remove()
        return count


def run(url: str, name: str, settings: dict, form: dict, app) -> dict:
    settings = dict(settings)
    workers, threads = settings.pop("workers"), settings.pop("threads")
    before = committed(app)
    seen = {"ok": 0, "5xx": 0, "dropped": 0, "acknowledged": 0}
    lock, stop = threading.Lock(), threading.Event()
    with TemporaryDirectory() as tmp:
        server = Gunicorn(url, Path(tmp), workers=workers, threads=threads, **settings)

        def visitor(number: int):
            browser = Browser()
            while not stop.is_set():
                for method in ("GET", "POST"):
                    try:
                        if method == "GET":
                            status, _, _ = browser.request(server.port, "GET", "/", timeout=20)
                        else:
                            status, _, headers = browser.submit(
                                server.port, "/legal-aid/apply", dict(form, mobile=f"1390000{number:04d}")
                            )
                            if status == 303 and REFERENCE.search(headers.get("Location", "")):
                                with lock:
                                    seen["acknowledged"] += 1
                        with lock:
                            seen["5xx" if status >= 500 else "ok"] += 1
                    except OSError:
                        with lock:
                            seen["dropped"] += 1

        try:
            threads_ = [threading.Thread(target=visitor, args=(n,)) for n in range(VISITORS)]
            for thread in threads_:
                thread.start()
            time.sleep(KILL_AT)
            victim = sorted(server.workers())[0]
            os.kill(victim, signal.SIGKILL)
            time.sleep(RUN - KILL_AT)
            stop.set()
            for thread in threads_:
                thread.join(timeout=60)
        finally:
            stop.set()
            server.stop()
    seen["unanswered commits"] = committed(app) - before - seen["acknowledged"]
    return {"model": name, **seen}


def main() -> None:
    url = os.environ["PORTAL_TEST_DATABASE_URL"]
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        form = {**application_form(), ANSWERS_CHECKED: "1"}
        db.session.remove()
    for name, settings in MODELS.items():
        print(run(url, name, settings, form, app), flush=True)


if __name__ == "__main__":
    main()
