"""The ceiling: a bare Flask app rendering a ~5 KB Jinja page, nothing else.

Served by the benchmark under the same gunicorn settings as the portal
(`gunicorn -w 2 -b 127.0.0.1:PORT --pythonpath bench baseline_app:app`).
"""

from pathlib import Path

from flask import Flask, render_template

app = Flask(__name__, template_folder=str(Path(__file__).resolve().parent / "templates"))

SERVICES = [
    (f"/services/{i}", f"Service {i}", "Free legal help from the county justice bureau, close to home.")
    for i in range(1, 29)
]


@app.get("/")
def page():
    """One page from a template with a loop and escaped variables, like a real list page."""
    return render_template("baseline.html", title="Public Legal Services", services=SERVICES)
