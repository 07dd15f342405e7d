from setuptools import find_packages, setup

setup(
    name="public-legal-services-portal",
    version="0.1.0",
    description="Public Legal Services Portal (公共法律服务平台) of a county justice bureau",
    packages=find_packages(include=["portal", "portal.*"]),
    include_package_data=True,
    python_requires=">=3.11",
    install_requires=[
        "Flask>=3.1",
        "Flask-SQLAlchemy>=3.1.1",
        "SQLAlchemy>=2.0.30",
        "Flask-Migrate>=4.1",
        "alembic>=1.13",
        "Flask-WTF>=1.2.1",
        "WTForms>=3.3",
        "Flask-Login>=0.6.3",
        "Flask-Babel>=4.0",
        "Babel>=2.14",
        "Flask-Limiter>=3.8",
        "psycopg[binary]>=3.2",
        "redis>=5.0",
        "gunicorn>=22.0",
        "openpyxl>=3.1.2",
        "pypinyin>=0.50",
        # The official holiday calendar (State Council notices): update it every year.
        "chinesecalendar>=1.11",
        # Lunar dates and solar terms for the statutory days off of years the notice does
        # not cover yet (portal.core.statutory_days).
        "lunar-python>=1.4.8",
        "icalendar>=7.3",
        # PDFs of printable pages (portal.core.documents): the URLFetcher class API; tested with 70.
        # Needs Pango and HarfBuzz, and a CJK font that covers Extension A (fonts-noto-cjk).
        "weasyprint>=70.0",
        # The staff second factor (TOTP, SPEC §11).
        "pyotp>=2.9",
        # S3-compatible object storage for attachments (STORAGE_URL=s3://..., portal.core.storage).
        "boto3>=1.34",
    ],
    extras_require={
        "test": [
            "pytest>=8.0",
            # The HTTP tests run in parallel, each worker on a database of its own (make test).
            "pytest-xdist>=3.5",
            "hypothesis>=6.100",
            "playwright>=1.45",
            "ruff>=0.5",
            # The core depends on nothing above it: contracts in pyproject.toml (make lint).
            "import-linter>=2.1",
            # Reading generated PDFs back: their text, fonts and glyphs (tests/test_documents.py).
            "pypdf>=7.1",
            "fonttools>=4.59.2",
            # WOFF2 (the subset font for 㮾, static/fonts/rare-cjk.woff2): read back by the
            # tests, written by tools/build_rare_font.py.
            "brotli>=1.1",
            # A real SMTP server on loopback for the email delivery tests (tests/test_message_delivery*.py).
            "aiosmtpd>=1.4.6",
            # An S3-speaking server on loopback for the storage tests (moto in server mode).
            "moto[server]>=5.0",
        ],
        # bench/: the load test's gunicorn is a runtime dependency; the profiler is not.
        "bench": ["pyinstrument>=4.6"],
    },
)
