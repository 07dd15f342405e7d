"""Default settings; instance/config.py and the environment override them."""

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any, get_args

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class DefaultConfig:
    """Settings that are safe everywhere; secrets come from outside."""

    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI = "sqlite:///" + str(PROJECT_ROOT / "instance" / "portal.sqlite3")
    #: hide_parameters: a database error is logged without its parameters (personal data).
    #: No pool_pre_ping: PostgreSQL's checkouts are probed only when the server spoke to the
    #: idle connection (portal.pg_connections); a SQLite file does not disconnect.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"hide_parameters": True}

    #: Seconds to wait for a new database connection (PostgreSQL's connect_timeout; at
    #: least 2): a database that accepts and never answers gives a 503 page, not a hang.
    DATABASE_CONNECT_TIMEOUT = 5
    #: Seconds a request waits for a free connection of the pool before its 503 page.
    DATABASE_POOL_TIMEOUT = 5
    #: Seconds one statement of a web request may run on PostgreSQL (0: no limit). Only web
    #: requests: scheduled jobs, refresh-reports, exports from the command line and
    #: migrations run without it (or set their own with SET statement_timeout).
    DATABASE_STATEMENT_TIMEOUT = 15
    #: The same for a staff export (a download of up to EXPORT_MAX_ROWS rows), below
    #: gunicorn's worker timeout.
    DATABASE_EXPORT_STATEMENT_TIMEOUT = 55
    #: SQLite: seconds a writer waits for the write lock (busy timeout) before its 503 page.
    DATABASE_BUSY_TIMEOUT = 30

    #: The capabilities this deployment offers (SPEC §13): each names a package with a
    #: `capability` module. Order is the order of navigation and home-page cards.
    CAPABILITIES: tuple[str, ...] = (
        "portal.legal_aid",
        "portal.consultations",
        "portal.mediation",
        "portal.health_checks",
        "portal.advisers",
        "portal.written_consultations",
    )

    # County the portal serves: the data (townships, service points) comes from the database.
    COUNTY_NAME_KEY = "Changsha County Justice Bureau"
    COUNTY_HOTLINE = "12348"

    # Government site furniture (SPEC §11, 政府网站发展指引): shown in the header and footer.
    # Every default below is a DEMO value, marked （演示）: set the bureau's real ones.
    #: The site owner (主办单位), as registered with the site identifier.
    SITE_OWNER: str = "长沙县司法局（演示）"
    #: Contact for the site (联系我们): a phone (any spacing; tel: links use its digits) and an address.
    SITE_CONTACT_PHONE: str = "0731-8400 0000"
    SITE_CONTACT_ADDRESS: str = "长沙县星沙街道演示路1号（演示）"
    #: The government website identifier (网站标识码) issued by the State Council's office.
    SITE_IDENTIFIER: str = "4301210000（演示）"
    #: ICP filing number (ICP备案号), linked to beian.miit.gov.cn; empty hides it.
    ICP_FILING: str = "湘ICP备00000000号-1（演示）"
    #: Public-security filing number (公安机关备案号), linked to beian.mps.gov.cn; empty hides it.
    PUBLIC_SECURITY_FILING: str = "湘公网安备43012102000000号（演示）"
    #: The bureau's mark in the header, a path under static/ (an image the bureau may use;
    #: the demo mark is a neutral drawing, not an official emblem).
    BUREAU_MARK: str = "img/bureau-mark.svg"

    BABEL_DEFAULT_LOCALE = "zh_Hans"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    LANGUAGES = ("zh_Hans", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(days=7)
    STAFF_IDLE_TIMEOUT = timedelta(minutes=30)
    #: A visitor's tracked requests (no account) are forgotten after this idle time (shared
    #: PCs); a receipt or tracking link asks for the code again after it.
    TRACK_IDLE_TIMEOUT = timedelta(minutes=10)
    #: Trusted reverse proxies in front of the app: X-Forwarded-For is believed this many hops.
    PROXY_FIX_X_FOR = 0
    #: The portal's public address, for every link in a message (never the Host header).
    PUBLIC_BASE_URL: str | None = None
    PASSWORD_MIN_LENGTH = 10

    WTF_CSRF_TIME_LIMIT: int | None = None  # long forms take time; the session bounds the token anyway

    #: Failed sign-ins for one account from one address, then a lock of LOGIN_LOCKOUT
    #: for that pair only; the owner signs in from elsewhere.
    LOGIN_MAX_FAILURES = 5
    #: Failed sign-ins from one address, whatever the account (a counter PC or a carrier's
    #: NAT serves many people: generous).
    LOGIN_MAX_FAILURES_PER_ADDRESS = 50
    LOGIN_LOCKOUT = timedelta(minutes=15)
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_LOGIN = "20 per minute"
    #: Pairs (reference + mobile) and codes tried on /track, every one counted: per client
    #: address, and per (reference, address); never per reference alone, or the other party,
    #: who holds the reference, could lock the applicant out.
    RATELIMIT_TRACK = "60 per hour"
    RATELIMIT_TRACK_PER_REFERENCE = "10 per hour"
    #: Tracking's own allowance of codes sent (apart from the forms' and accounts').
    RATELIMIT_TRACK_SMS_PER_MOBILE = "1 per minute;5 per hour;10 per day"
    RATELIMIT_TRACK_SMS_PER_ADDRESS = "30 per hour"
    RATELIMIT_HEADERS_ENABLED = False
    #: Accepted public submissions (every intake form) per client address and per mobile
    #: given; "" turns one off. Counted in RATELIMIT_STORAGE_URI (Redis across processes).
    RATELIMIT_SUBMISSIONS_PER_ADDRESS = "20 per hour"
    RATELIMIT_SUBMISSIONS_PER_MOBILE = "3 per hour;10 per day"
    #: Verification codes sent by SMS: per mobile tight, per address generous.
    RATELIMIT_SMS_PER_MOBILE = "1 per minute;5 per hour;10 per day"
    RATELIMIT_SMS_PER_ADDRESS = "30 per hour"

    #: Anonymous submissions prove their mobile with a 6-digit SMS code (SPEC §2); off
    #: (`0`) for a deployment without SMS.
    MOBILE_VERIFICATION = True
    #: Staff sign in with a second factor (TOTP, enrolled at the first sign-in, with
    #: recovery codes); `0` where staff sign in through another identity system.
    STAFF_TWO_FACTOR = True
    MOBILE_CODE_TTL = timedelta(minutes=5)
    MOBILE_CODE_MAX_TRIES = 5

    #: Where attachments are stored: unset, the private directory UPLOAD_FOLDER of this
    #: machine; `s3://bucket/prefix` for S3-compatible object storage shared by several
    #: app servers (endpoint and credentials the standard boto3 way: AWS_ENDPOINT_URL, ...).
    STORAGE_URL: str | None = None
    UPLOAD_FOLDER = str(PROJECT_ROOT / "instance" / "uploads")
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    UPLOAD_MAX_FILES = 5
    UPLOAD_MAX_PIXELS = 60_000_000
    # Five files of 10 MB plus the form itself.
    MAX_CONTENT_LENGTH = 5 * 10 * 1024 * 1024 + 1024 * 1024

    #: A scheduled job's lease (portal.core.jobs): a runner that dies mid-job holds it this
    #: long; a job that runs longer may start again on another host.
    JOB_LEASE_TIMEOUT = timedelta(minutes=15)

    #: The SMS backend, "module:Class" (README, Messages): the log by default;
    #: "portal.core.messaging.sms_gateway:HttpSmsGateway" sends through SMS_GATEWAY_*.
    NOTIFICATION_BACKEND = "portal.core.notifications:LogSender"
    #: The email backend: the log by default; "portal.core.messaging.smtp:SmtpSender" sends over SMTP_*.
    EMAIL_BACKEND = "portal.core.notifications:LogSender"
    NOTIFICATION_MAX_ATTEMPTS = 6
    #: A failed attempt is retried after this long, each next one after twice as long, at most NOTIFICATION_RETRY_MAX.
    NOTIFICATION_RETRY_BASE = timedelta(minutes=1)
    NOTIFICATION_RETRY_MAX = timedelta(hours=2)
    #: The registered SMS signature (签名): prefixed to the stored text; a gateway gets it without the brackets.
    SMS_SIGNATURE = "【长沙县司法局】"
    #: Template key -> the gateway's approved template code (模板CODE): a code, or one per
    #: language ({"zh_Hans": "SMS_1", "en": "SMS_2"}); from the environment as JSON.
    SMS_TEMPLATE_CODES: dict = {}
    #: The gateway's HTTPS address (plain http only on loopback), access key and signing secret.
    SMS_GATEWAY_URL: str | None = None
    SMS_GATEWAY_ACCESS_KEY: str | None = None
    SMS_GATEWAY_SECRET: str | None = None
    SMS_GATEWAY_TIMEOUT = 10.0
    #: Gateway answer codes that mean "later" (throttling, its own trouble); any other refusal is final.
    SMS_GATEWAY_RETRY_CODES: tuple = ("isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "Throttling")
    #: Shared secret the gateway signs its delivery receipts with (HMAC-SHA256); unset: receipts refused.
    SMS_RECEIPT_SECRET: str | None = None
    #: A receipt signed longer ago than this is refused (a replayed request).
    SMS_RECEIPT_MAX_AGE = timedelta(minutes=5)
    #: Outgoing mail: "starttls" (port 587), "tls" (implicit TLS, port 465) or "none" (a relay on this host only).
    SMTP_HOST: str | None = None
    SMTP_PORT = 587
    SMTP_SECURITY = "starttls"
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_TIMEOUT = 30.0
    #: A CA bundle for the mail server's certificate when it is not signed by a public CA.
    SMTP_CA_FILE: str | None = None
    #: The sender address of every email, e.g. "长沙县司法局 <noreply@example.gov.cn>".
    MAIL_FROM: str | None = None

    # Consultations (SPEC §4).
    #: Minutes after an appointment's start before the desk may record it as missed.
    NO_SHOW_GRACE_MINUTES = 15
    #: Minutes a no-show waits before the person is texted: the desk may undo it meanwhile.
    NO_SHOW_TEXT_DELAY_MINUTES = 30

    # Written questions (SPEC §14): working days the duty lawyer has to answer.
    WRITTEN_ANSWER_WORKING_DAYS = 2

    # Legal aid (SPEC §3).
    LEGAL_AID_DECISION_DAYS = 7
    LEGAL_AID_ASSIGN_DAYS = 3
    LEGAL_AID_DAYS_KIND = "calendar"  # or "working"; local rules differ
    #: The bureau's reading of 刑事诉讼法 Art. 105 (期间的最后一日为节假日的，以节假日后的第一日为
    #: 期满日期，但犯罪嫌疑人、被告人或者罪犯在押期间，应当至期满之日为止，不得因节假日而延长) for the
    #: 办理法律援助案件程序规定: the centre's periods for a person in custody (a notice, a
    #: detained person's application passed on) are calendar days, never extended by a
    #: holiday or a weekend. True only if the bureau reads the rules otherwise (then
    #: they are counted like every other period). See docs/calendar.md.
    CUSTODY_PERIODS_EXTEND_FOR_HOLIDAYS = False
    LEGAL_AID_MATERIALS_ANSWER_DAYS = 30
    LEGAL_AID_OBJECTION_DAYS = 5
    #: The confidentiality and no-soliciting pledge each health-check team member accepts
    #: (SPEC §5); empty uses the plain-words default, translated.
    HEALTH_CHECK_PLEDGE_TEXT: str = ""
    #: Who organises the health checks, named on every report; empty uses SITE_OWNER.
    HEALTH_CHECK_ORGANISER: str = ""
    #: Working days a supervisor has to answer a poor service rating (SPEC §2, 好差评).
    RATING_FOLLOW_UP_DAYS = 15
    #: Art. 26: years of practice a lawyer needs for a possible life or death sentence.
    LEGAL_AID_SERIOUS_CASE_YEARS = 3
    #: Days after the case ends within which the lawyer submits the closing report.
    LEGAL_AID_CLOSING_DAYS = 30
    #: Art. 49 sets no time limit for filing an objection; a number of days after the
    #: decision (refusal or termination) sets one. None: no limit.
    LEGAL_AID_OBJECTION_FILING_DAYS: int | None = None
    #: The issuing centre named on decision documents (a msgid: shown translated).
    LEGAL_AID_CENTRE_KEY: str = "Changsha County Legal Aid Centre"
    #: Where the centre takes materials, when and its phone: the application's receipt says
    #: them next to the list of materials (as the office writes them, in Chinese).
    LEGAL_AID_CENTRE_ADDRESS: str = "长沙县星沙街道演示路1号 县公共法律服务中心一楼法律援助窗口（演示）"
    LEGAL_AID_CENTRE_HOURS: str = "周一至周五 8:30–12:00、14:30–17:30（法定节假日除外）"
    LEGAL_AID_CENTRE_PHONE: str = "0731-8400 0000"
    #: Art. 34: the province's economic-hardship standard: "income", "hunan" (recognised as
    #: low-income, or in sudden hardship) or "module:Class" (portal/legal_aid/hardship.py).
    LEGAL_AID_HARDSHIP_RULE = "income"
    #: The income rule: the minimum living standard per person per month (yuan; decimals
    #: allowed) in urban and in rural areas, times HARDSHIP_MULTIPLIER. Illustrative amounts:
    #: set the county's published ones.
    MINIMUM_LIVING_STANDARD_MONTHLY = 930.0
    MINIMUM_LIVING_STANDARD_RURAL_MONTHLY = 700.0
    HARDSHIP_MULTIPLIER = 2.0
    #: True while the amounts above are the illustrative ones: public pages mark them 演示.
    LEGAL_AID_HARDSHIP_AMOUNTS_ARE_DEMO = True
    #: Codes of the townships where the rural amount applies; None: by the national code
    #: (towns 镇 and townships 乡 are rural, subdistricts 街道 urban).
    LEGAL_AID_RURAL_TOWNSHIPS: tuple | None = None
    #: Art. 31(九): the matters the province adds that are in force (Hunan's by default).
    LEGAL_AID_PROVINCIAL_MATTERS: tuple = ("farm_inputs", "work_safety")
    #: Art. 38: contacts of other legal aid centres by place name, e.g.
    #: {"浏阳": "浏阳市法律援助中心, 0731-…"}; without one the hotline is named.
    LEGAL_AID_OTHER_CENTRES: dict = {}
    #: 文号: the prefix of each document series (numbering.SERIES), printed as
    #: 长援准字〔2026〕第1号; each series restarts every year.
    LEGAL_AID_DOCUMENT_PREFIXES: dict = {
        "approval": "长援准字",
        "refusal": "长援不准字",
        "termination": "长援终字",
        "letter": "长援函字",
        "objection": "长司援异字",
    }
    #: The bureau that decides objections (Art. 49; a msgid: shown translated), the body
    #: for administrative reconsideration of its decision (行政复议法 Art. 24: the county
    #: government) and the court for a lawsuit, as named on the decision (set the real ones).
    LEGAL_AID_BUREAU_KEY: str = "Changsha County Justice Bureau"
    LEGAL_AID_RECONSIDERATION_BODY: str = "长沙县人民政府"
    LEGAL_AID_COURT: str = "长沙县人民法院"
    #: People's mediation, judicial confirmation (人民调解法 Art. 33): the basic court of each
    #: township by its code; "" is the court of any township not listed (the whole county).
    MEDIATION_BASIC_COURTS: dict = {"": "长沙县人民法院"}

    QUEUE_PAGE_SIZE = 20
    QUEUE_COUNT_CAP = 1000
    EXPORT_MAX_ROWS = 50_000

    DEMO_MODE = False


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _setting_type(name: str, default: object) -> type:
    """The type an environment value for the setting `name` is read as."""
    if default is not None:
        return type(default)
    # A None default says nothing; an annotation such as `int | None` does (plain str otherwise).
    hint = DefaultConfig.__annotations__.get(name, str)
    return next((arg for arg in get_args(hint) if arg is not type(None)), hint)


def _convert(name: str, raw: str, kind: type) -> object:
    """Read one environment value as `kind`, or raise ValueError naming the variable."""
    try:
        if kind is bool:  # before int: bool is an int
            word = raw.strip().lower()
            if word not in _TRUE + _FALSE:
                raise ValueError("use 1/true/yes/on or 0/false/no/off")
            return word in _TRUE
        if kind is timedelta:
            return timedelta(seconds=float(raw))
        if kind in (tuple, list):
            return kind(item.strip() for item in raw.split(",") if item.strip())
        if kind is dict:
            value = json.loads(raw)
            if not isinstance(value, dict):
                raise ValueError("not a JSON object")
            return value
        if kind in (int, float, str):
            return kind(raw)
    except (ValueError, OverflowError) as error:
        # Refuse to start: running on a misread setting is worse than not running.
        raise ValueError(f"environment variable {name}: cannot read it as {kind.__name__}: {error}") from None
    raise TypeError(f"environment variable {name}: no rule for reading a {kind.__name__} setting")


def settings_from_environment() -> dict[str, Any]:
    """Read overrides of DefaultConfig's settings from environment variables of the same names."""
    settings: dict[str, Any] = {}
    if url := os.environ.get("DATABASE_URL"):
        # Hosting platforms hand out postgres://; SQLAlchemy wants the driver named.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://") :]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        settings["SQLALCHEMY_DATABASE_URI"] = url
    if os.environ.get("PORTAL_INSECURE_COOKIES") == "1":
        settings["SESSION_COOKIE_SECURE"] = False
        settings["REMEMBER_COOKIE_SECURE"] = False
    if os.environ.get("PORTAL_DEMO") == "1":
        settings["DEMO_MODE"] = True
    # Only DefaultConfig's settings: their defaults say how to read them. A variable of the
    # setting's own name wins over the shorthands above; an empty one is ignored, as before.
    for name in dir(DefaultConfig):
        if name.isupper() and (raw := os.environ.get(name)):
            settings[name] = _convert(name, raw, _setting_type(name, getattr(DefaultConfig, name)))
    return settings
