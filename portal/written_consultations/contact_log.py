"""The hotline and walk-in log (SPEC §14): one short form per 12348 call, walk-in visit or
outreach contact, and the consultations counted by channel (booked, written, call,
walk-in, outreach) over the report's period, through one filter (`log_clauses`), so that
each figure opens the list it counts."""

from datetime import datetime, time, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from portal.core.clock import from_local, local_today, utcnow
from portal.core.identity import normalise_mobile
from portal.core.models import ServiceRequest
from portal.extensions import db, login_manager
from portal.reports.built import built_once
from portal.reports.links import with_argument
from portal.reports.measures import selection
from portal.reports.period import Period, PeriodForm, period_args, period_form
from portal.written_consultations.forms import LogForm
from portal.written_consultations.models import ContactLogEntry
from portal.written_consultations.vocabulary import CHANNELS, REFERRALS, TOPICS

bp = Blueprint("consultation_log", __name__, url_prefix="/staff/consultation-log")
#: Requests of these kinds are consultations too: counted by their reference prefix, so
#: the figures need no other capability's code (a kind switched off counts what it holds).
REQUEST_CHANNELS = {"booked": ("CB", _l("Booked consultations")), "written": ("WQ", _l("Written questions"))}
PAGE_SIZE = 100


@bp.record_once
def _staff_sign_in(state) -> None:
    login_manager.blueprint_login_views.setdefault(bp.name, "backoffice.login")


def log_clauses(period: Period, channel: str = "", referral: str = "") -> list:
    clauses = [ContactLogEntry.logged_on >= period.start, ContactLogEntry.logged_on <= period.end]
    if channel:
        clauses.append(ContactLogEntry.channel == channel)
    if referral:
        clauses.append(ContactLogEntry.referral == referral)
    if period.township.isdigit():
        clauses.append(ContactLogEntry.township_id == int(period.township))
    return clauses


def by_channel(period: Period, logged: dict | None = None) -> dict[str, int]:
    """{channel: count} of the period: the log's channels, then the booked and written
    requests (`logged`: `log_counts` of the period, when read already)."""
    logged = log_counts(period) if logged is None else logged
    counts = {channel: 0 for channel in CHANNELS}
    for (channel, _referral), n in logged.items():
        if channel in counts:
            counts[channel] += n
    codes = {code: channel for channel, (code, _label) in REQUEST_CHANNELS.items()}

    def build():
        start = from_local(datetime.combine(period.start, time()))
        end = from_local(datetime.combine(period.end + timedelta(days=1), time()))
        clauses = [
            ServiceRequest.request_type.in_(list(codes)),
            ServiceRequest.created_at >= start,
            ServiceRequest.created_at < end,
        ]
        if period.township.isdigit():
            clauses.append(ServiceRequest.township_id == int(period.township))
        return (
            select(ServiceRequest.request_type, func.count())
            .where(*clauses)
            .group_by(ServiceRequest.request_type)
        )

    requests = dict(db.session.execute(built_once(("consultation_requests_by_kind", period), build)).all())
    counts |= {channel: requests.get(code, 0) for code, channel in codes.items()}
    return counts


def log_counts(period: Period) -> dict[tuple[str, str | None], int]:
    """{(channel, referral): count} of the log's entries of the period (one statement)."""
    entry = ContactLogEntry
    query = built_once(
        ("consultation_log_counts", period),
        lambda: (
            select(entry.channel, entry.referral, func.count())
            .where(*log_clauses(period))
            .group_by(entry.channel, entry.referral)
        ),
    )
    return {(channel, referral): n for channel, referral, n in db.session.execute(query)}


def referrals_made(period: Period, logged: dict | None = None) -> list[tuple[str, object, int]]:
    """(referral, label, count) of the log's entries of the period that referred the person on."""
    logged = log_counts(period) if logged is None else logged
    counted: dict[str, int] = {}
    for (_channel, referral), n in logged.items():
        if referral is not None:
            counted[referral] = counted.get(referral, 0) + n
    return [(key, label, counted.get(key, 0)) for key, label in REFERRALS.items() if key]


def channel_label(channel: str):
    return CHANNELS.get(channel) or REQUEST_CHANNELS[channel][1]


def list_url(period: Period, channel: str = "", entries: str | None = None) -> str:
    """What a channel's figure counts: the booked or written requests' queue over the
    period (and township), or the log's entries of the channel (`entries`: `entries_url`
    of the period, when made already)."""
    if channel in REQUEST_CHANNELS:
        kind = _kind(REQUEST_CHANNELS[channel][0])
        return selection(kind, period).url if kind else ""
    entries = entries_url(period) if entries is None else entries
    return with_argument(entries, "channel", channel) if channel else entries


def entries_url(period: Period) -> str:
    """The log's entries of the period (and township)."""
    return url_for("consultation_log.entries", **period_args(period))


def _kind(code: str):
    from portal.core.registry import all_kinds

    return next((k for k in all_kinds() if k.code == code), None)


@bp.route("/", methods=["GET", "POST"])
def log():
    """The form, first field focused; after each entry it comes back empty for the next."""
    form = LogForm()
    if form.validate_on_submit():
        db.session.add(
            ContactLogEntry(
                channel=form.channel.data,
                topic=form.topic.data,
                township_id=int(form.township_id.data) if form.township_id.data else None,
                name=(form.name.data or "").strip() or None,
                mobile=normalise_mobile(form.mobile.data) if form.mobile.data else None,
                summary=form.summary.data.strip(),
                referral=form.referral.data or None,
                logged_on=local_today(),
                logged_at=utcnow(),
                logged_by_id=current_user.id,
            )
        )
        db.session.commit()
        flash(_l("Logged. The form is ready for the next one."), "success")
        return redirect(url_for(".log"), 303)
    form.focus_first_error()
    today = list(
        db.session.scalars(
            select(ContactLogEntry)
            .where(
                ContactLogEntry.logged_on == local_today(), ContactLogEntry.logged_by_id == current_user.id
            )
            .order_by(ContactLogEntry.id.desc())
        )
    )
    return render_template(
        "written_consultations/log.html",
        form=form,
        today=today,
        channels=CHANNELS,
        topics=TOPICS,
        referrals=REFERRALS,
    ), 400 if form.is_submitted() else 200


class EntriesForm(PeriodForm):
    pass


@bp.get("/entries")
def entries():
    """The consultations by channel over a period, and the logged entries (of a channel)."""
    form = period_form(EntriesForm)
    if not form.validate():
        return render_template("written_consultations/log_entries.html", form=form, period=None), 400
    period = form.period()
    channel = request.args.get("channel", "")
    channel = channel if channel in CHANNELS else ""
    referral = request.args.get("referral", "")
    referral = referral if referral in REFERRALS else ""
    rows = list(
        db.session.scalars(
            select(ContactLogEntry)
            .where(*log_clauses(period, channel, referral))
            .order_by(ContactLogEntry.logged_on.desc(), ContactLogEntry.id.desc())
            .limit(PAGE_SIZE)
        )
    )
    counts = by_channel(period)
    return render_template(
        "written_consultations/log_entries.html",
        form=form,
        period=period,
        channel=channel,
        rows=rows,
        figures=[(c, channel_label(c), n, list_url(period, c)) for c, n in counts.items()],
        channels=CHANNELS,
        topics=TOPICS,
        referrals=REFERRALS,
    )


def report_by_channel(period: Period, with_tables: bool) -> tuple[list, list]:
    """The report's consultations by channel (SPEC §14: booked, written, 12348 call, walk-in,
    outreach), each a figure linking to what it counts, on every report page; the annual
    report adds their shares as a chart."""
    from portal.reports.compute import Count, Table

    logged, entries = log_counts(period), entries_url(period)
    counts = by_channel(period, logged)
    rows = [Count(str(channel_label(c)), n, list_url(period, c, entries) or None) for c, n in counts.items()]
    everything = sum(r.value for r in rows)
    total = Count(str(_l("Consultations, every channel")), everything, entries)
    referred = [
        Count(
            str(_l("Referred after a call or visit: %(what)s", what=label)),
            n,
            with_argument(entries, "referral", key),
        )
        for key, label, n in referrals_made(period, logged)
    ]
    if not with_tables:
        return [total, *rows, *referred], []
    shares = [
        Count(r.label, r.value, r.url, share=r.value / everything if everything else None) for r in rows
    ]
    return [total, *rows, *referred], [
        Table("channels", str(_l("Consultations by channel")), shares, value_label=str(_l("Consultations")))
    ]
