"""A public form as question pages (issue #30, SPEC §13).

A capability declares its form as an ordered list of `Page`s: a few questions each, with a
`when` condition on earlier answers. Each page has its own address (`<entry>/<page>`) and is
validated alone; its answers go into the intake state (core.intake_state) and the next page
that applies follows. After the last one comes the check page (grouped by page: "Change" opens
the page, which then returns straight to the check page), then the shared steps of
`core.intake` (code, commit, confirmation). Nothing is carried in the address but the page's
name; Back shows a page with its answers kept. Works without JavaScript.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from portal.core import attachments, drafts, intake_state, safe_contact, storage
from portal.core.choices import no_longer_offered
from portal.core.intake import (
    FILE_GONE,
    LOST_MESSAGE,
    MACHINERY,
    Intake,
    _switches,
    already_sent,
    answer_rows,
    run_intake,
)
from portal.core.intake_fields import ANSWERS_CHECKED, CHANGE_PARAM, KEY_FIELD, STAGED_FIELD, STEP_FIELD
from portal.extensions import db

#: The check page's name in the address.
CHECK = "check"
#: The step of an intake state whose answers another page put in (e.g. a self-check).
CARRIED = "carried"
#: Query parameter of a page opened from the check page: go straight back there.
RETURN_PARAM = "return"

Answers = Mapping[str, Any]
Condition = Callable[[Answers], bool]


@dataclass(frozen=True)
class Page:
    """One question page: its name (in the address), its section title, its questions.
    A question is a field name, or (name, condition) when it depends on earlier answers."""

    name: str
    title: Any
    questions: tuple
    when: Condition | None = None
    #: A short text under the title.
    intro: Any = None

    def applies(self, answers: Answers) -> bool:
        return self.when is None or bool(self.when(answers))

    def asked(self, answers: Answers) -> list[str]:
        """The names of the questions this page asks, given the earlier answers."""
        names = []
        for question in self.questions:
            name, condition = (question, None) if isinstance(question, str) else question
            if condition is None or condition(answers):
                names.append(name)
        return names


@dataclass(frozen=True)
class QuestionPages:
    """The pages of one public form, in order."""

    pages: tuple[Page, ...]

    def page(self, name: str | None) -> Page | None:
        if name is None:
            return self.pages[0]
        return next((p for p in self.pages if p.name == name), None)

    def applicable(self, answers: Answers) -> list[Page]:
        return [p for p in self.pages if p.applies(answers)]

    def after(self, page: Page, answers: Answers) -> Page | None:
        later = self.pages[self.pages.index(page) + 1 :]
        return next((p for p in later if p.applies(answers)), None)

    def before(self, page: Page, answers: Answers) -> Page | None:
        earlier = self.pages[: self.pages.index(page)]
        return next((p for p in reversed(earlier) if p.applies(answers)), None)

    def asked(self, answers: Answers) -> set[str]:
        return {name for p in self.applicable(answers) for name in p.asked(answers)}

    def kept(self, answers: list) -> list:
        """Only the answers of the questions asked now (a branch left behind is dropped)."""
        data = MultiDict([tuple(pair) for pair in answers])
        asked = self.asked(data)
        return [list(pair) for pair in answers if pair[0] in asked]


@dataclass
class PagedForm:
    """What a capability gives `run_pages`: its pages, a form factory (formdata -> form),
    the page template, the request builder and the confirmation endpoint."""

    flow: QuestionPages
    make_form: Callable[..., Any]
    template: str
    build: Callable
    confirmation: str
    context: dict | None = None
    #: Called on a page's form before it is shown (e.g. choices that depend on earlier answers).
    prepare: Callable[[Any, Page | None], None] | None = None
    #: Shown on the pages while the answers are those another page put in (step CARRIED).
    carried_notice: Any = None


def run_pages(paged: PagedForm, name: str | None):
    """Answer a GET or POST of one page (None: the entry, the first page) or of the check page."""
    state = intake_state.current()
    live = state if state is not None and state.reference is None else None
    stored = MultiDict([tuple(pair) for pair in live.answers]) if live else MultiDict()
    if request.method == "POST" and request.form.get(STEP_FIELD):
        return _steps(paged)  # the check or code page: the shared intake's steps
    if name == CHECK:
        return _check_page(paged, live, stored)
    page = paged.flow.page(name)
    if page is None:
        abort(404)
    if not page.applies(stored):
        return redirect(_url(paged.flow.applicable(stored)[0]), 303)
    if request.method == "GET":
        form = _form(paged, page, stored)
        if live and request.args.get(RETURN_PARAM) == CHECK:  # sent here by the check page: say why
            form.existing_attachment_count = len(live.staged)
            form.validate()
            for field in form:
                field.errors = field.errors if field.name in page.asked(stored) else []
                if field.errors and no_longer_offered(field):  # an earlier answer changed
                    field.data, field.errors = None, [str(CHOOSE_AGAIN)]
        key = live.one_time_key if live else intake_state.new_key()
        staged = attachments.staged(live.staged) if live else []
        notice = paged.carried_notice if live and live.step == CARRIED else None
        return _render(paged, page, form, stored, key, staged, 200, notice=notice)
    return _post_page(paged, page, live, stored, state)


#: Said on a page whose stored choice an earlier change made unfit (a criminal matter after
#: the kind was changed to civil): "Not a valid choice" blamed the person for it.
CHOOSE_AGAIN = _l(
    "You changed an earlier answer, and your choice here no longer fits it: please choose again."
)


def _url(page: Page, **query) -> str:
    return url_for(request.endpoint, page=page.name, **query)


def _check_url() -> str:
    return url_for(request.endpoint, page=CHECK)


def _form(paged: PagedForm, page: Page | None, data: MultiDict):
    form = paged.make_form(formdata=data)
    if request.method == "GET":
        for field in form:
            if field.name not in data:
                field.raw_data = None  # unanswered: its blank markup may come from the store
    if paged.prepare:
        paged.prepare(form, page)
    return form


def _post_page(paged: PagedForm, page: Page, live, stored: MultiDict, state):
    asked = page.asked(stored)
    merged = MultiDict([(n, v) for n, v in stored.items(multi=True) if n not in asked])
    for name in asked:
        for value in request.form.getlist(name):
            merged.add(name, value)
    key = request.form.get(KEY_FIELD) or (live.one_time_key if live else intake_state.new_key())
    if intake_state.submitted(key) is not None:
        sent = Intake(paged.make_form(), paged.template, paged.build, paged.confirmation)
        return already_sent(sent, state if state is not None and state.one_time_key == key else None)
    if _has_files(page, paged):
        staged = attachments.staged(request.form.getlist(STAGED_FIELD))
    else:
        staged = attachments.staged(live.staged) if live else []
    form = _form(paged, page, CombinedMultiDict([_with_token(merged), request.files]))
    form.existing_attachment_count = len(staged)
    if g.get("csrf_lost"):
        return _render(paged, page, form, merged, key, staged, 400, notice=LOST_MESSAGE)
    switch = _switches()
    form.validate()
    for field in form:
        if field.name not in asked:
            field.errors = []
    held = len(staged)  # the files kept from before this page was sent
    try:
        staged += _stage(form, asked)
    except storage.StorageError as error:  # the store is down: the page again, nothing kept
        db.session.rollback()
        form[next(n for n in asked if form[n].type == "MultipleFileField")].errors = [error.message]
        return _render(paged, page, form, merged, key, staged, 503)
    if switch is not None:  # language or size: the typed answers kept, the page again
        for field in form:
            field.errors = []
        _save(merged, key, staged)
        return switch(_render(paged, page, form, merged, key, staged, 200))
    uploads = next((form[n] for n in asked if n in form and form[n].type == "MultipleFileField"), None)
    if uploads is not None and len(attachments.wanted_tokens(request.form.getlist(STAGED_FIELD))) > held:
        # A file listed on the page is gone (removed after a day, or another browser's).
        uploads.errors = [
            *uploads.errors,
            FILE_GONE,
        ]
    if any(form[n].errors for n in asked if n in form):
        db.session.commit()  # the files staged from this page are kept for it
        return _render(paged, page, form, merged, key, staged, 400)
    _save(merged, key, staged)
    following = paged.flow.after(page, merged)
    if request.args.get(RETURN_PARAM) == CHECK or following is None:
        return redirect(_check_url(), 303)
    return redirect(_url(following), 303)


def _has_files(page: Page, paged: PagedForm) -> bool:
    form = paged.make_form(formdata=MultiDict())
    return any(
        form[n].type == "MultipleFileField" for n in page.questions if isinstance(n, str) and n in form
    )


def _with_token(data: MultiDict) -> MultiDict:
    data = data.copy()
    data["csrf_token"] = request.form.get("csrf_token", "")
    return data


def _stage(form, asked) -> list:
    staged = []
    for name in asked:
        field = form[name] if name in form else None
        if field is not None and field.type == "MultipleFileField" and getattr(field, "checked", None):
            staged += attachments.stage(field.checked)
            field.checked = []
    return staged


def _save(answers: MultiDict, key: str, staged: list) -> None:
    pairs = [(n, v) for n, v in answers.items(multi=True) if n not in MACHINERY]
    pairs = safe_contact.sealed_answers(pairs)  # a PIN is never kept as typed
    intake_state.save(pairs, key=key, staged=[upload.token for upload in staged], step="form")
    db.session.commit()


def _check_page(paged: PagedForm, live, stored: MultiDict):
    """Check your answers, grouped by page; a page not answered well yet is shown instead."""
    flow = paged.flow
    if live is None:
        return redirect(_url(flow.pages[0]), 303)
    if request.args.get(CHANGE_PARAM):  # "change the number" from the code page
        target = next(
            (p for p in flow.applicable(stored) if any("mobile" in n for n in p.asked(stored))), None
        )
        if target is not None:
            return redirect(_url(target, **{RETURN_PARAM: CHECK}), 303)
    kept = MultiDict([tuple(pair) for pair in flow.kept(live.answers)])
    form = _form(paged, None, kept)
    form.existing_attachment_count = len(live.staged)
    form.validate()
    groups = []
    for page in flow.applicable(kept):
        asked = page.asked(kept)
        if any(form[n].errors for n in asked if n in form and n != "csrf_token"):
            return redirect(_url(page, **{RETURN_PARAM: CHECK}), 303)
        groups.append((page, list(answer_rows(form, only=asked)), _has_files(page, paged)))
    live.answers = [list(pair) for pair in kept.items(multi=True)]
    live.step = "check"
    db.session.commit()
    page = render_template(
        "public/check_pages.html",
        groups=groups,
        staged_uploads=attachments.staged(live.staged),
        action=_check_url(),
        change=lambda p: _url(p, **{RETURN_PARAM: CHECK}),
        names={"send": ANSWERS_CHECKED, "step": STEP_FIELD},
        **(paged.context or {}),
    )
    return current_app.make_response((page, 200))


def _steps(paged: PagedForm):
    """The check page's send and the code page: the shared steps over the kept answers."""
    form = paged.make_form()
    if paged.prepare:
        paged.prepare(form, None)
    state = intake_state.current()
    answers = MultiDict([tuple(pair) for pair in state.answers]) if state else MultiDict()
    sections = [(p, p.asked(answers)) for p in paged.flow.applicable(answers)]
    context = dict(paged.context or {}, sections=sections)
    return run_intake(
        Intake(form, paged.template, paged.build, confirmation=paged.confirmation, context=context)
    )


def _render(paged: PagedForm, page: Page, form, stored, key: str, staged: list, status: int, notice=None):
    previous = paged.flow.before(page, stored)
    html = render_template(
        paged.template,
        form=form,
        page=page,
        asked=[form[n] for n in page.asked(stored) if n in form],
        previous_url=_url(previous) if previous else None,
        staged_uploads=staged,
        intake_form_id="intake-form",
        intake_key=key,
        intake_notice=notice,
        # A draft to continue (issue #30), said on the entry page only, not on each page after it.
        **(drafts.page_context(intake_state.current()) if previous is None else {}),
        **(paged.context or {}),
    )
    return current_app.make_response((html, status))
