"""文号 and citations of the legal aid documents (issue #33), read from the rendered pages
and a PDF over HTTP: a civil approval, a criminal notice's 公函, a refusal out of scope and
an upheld objection each cite their own articles of the Legal Aid Law and carry a number
of their own series (prefixes from the settings); numbers are unique per series and year,
also when two writers take one at the same moment."""

import io
import re
import threading
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from test_legal_aid_notices import notice

from portal.accounts.profiles import save_profile
from portal.core.clock import local_today
from portal.core.models import ServiceRequest
from portal.extensions import db
from portal.legal_aid import numbering
from portal.legal_aid.models import LegalAidApplication
from portal.legal_aid.objection_decision import ObjectionOutcome

from support import application_form

YEAR = local_today().year
LAW = "《中华人民共和国法律援助法》"


@pytest.fixture
def staff(make_client, make_staff):
    make_staff("officer", "legal_aid_officer", name="张敏")
    make_staff("reviewer", "bureau_reviewer", name="赵科长")
    lawyer = make_staff("lawyer", "lawyer", name="陈律师")
    save_profile(lawyer, profession="lawyer", practising_since=date(2010, 1, 1), firm="星城律师事务所")
    db.session.commit()
    officer, reviewer = make_client(), make_client()
    officer.sign_in("officer")
    reviewer.sign_in("reviewer")
    officer.lawyer_id = lawyer.id
    return officer, reviewer


def act(client, reference, action, data=None):
    page = f"/staff/requests/{reference}"
    response = client.submit(page, data or {}, action=f"{page}/actions/{action}")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response


def reload(reference) -> LegalAidApplication:
    db.session.expire_all()
    return db.session.scalar(select(LegalAidApplication).where(ServiceRequest.reference == reference))


def under_review(applicant, officer, **answers) -> str:
    response = applicant.submit("/legal-aid/apply", application_form(**answers))
    reference = response.headers["Location"].rsplit("/", 1)[1]
    officer.submit(f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/claim")
    return reference


def text_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def cited(page: str) -> str:
    """The first citation of the Legal Aid Law on the page."""
    return re.search(LAW + "[第条款项、零一二三四五六七八九十]+", page).group(0)


def test_four_documents_cite_their_own_articles_and_carry_their_numbers(client, make_client, staff):
    """Mutants caught: one article list for every document (the old fixed lists), the 公函
    citing Arts. 43 and 45 for a notice or addressed to the applicant, a refusal's ground
    ignored, the objection decision without Art. 49 or the remedy's limits, a series shared."""
    officer, reviewer = staff
    civil = under_review(client, officer)
    act(officer, civil, "approve")
    approval = text_of(officer, f"/legal-aid/decisions/{civil}/approval")
    assert cited(approval) == LAW + "第三十一条、第三十四条、第四十三条"
    assert f"长援准字〔{YEAR}〕第1号" in approval

    response = officer.submit(
        "/staff/legal-aid/notices/new", notice(ground="sensory_disability", authority="长沙县人民检察院")
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    criminal = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    act(officer, criminal, "assign_lawyer", {"assign_lawyer-lawyer": str(officer.lawyer_id)})
    letter = text_of(officer, f"/legal-aid/letters/{criminal}")
    assert cited(letter) == LAW + "第二十五条第一款第二项、第三十六条"
    assert f"长援函字〔{YEAR}〕第1号" in letter
    addressee = letter[letter.index('id="addressee"') :]
    assert addressee[: addressee.index("</p>")].endswith("长沙县人民检察院")
    letter_pdf = officer.get(f"/legal-aid/letters/{criminal}/pdf")
    letter_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(letter_pdf.data)).pages)
    assert "第三十六条" in letter_text and "长援函字" in letter_text and "第四十三条" not in letter_text

    out_of_scope = under_review(client, officer)
    act(
        officer, out_of_scope, "refuse", {"refuse-ground": "out_of_scope", "refuse-reasons": "不属于援助事项"}
    )
    refusal = text_of(officer, f"/legal-aid/decisions/{out_of_scope}/refusal")
    assert cited(refusal) == LAW + "第三十一条、第四十三条"
    assert f"长援不准字〔{YEAR}〕第1号" in refusal

    client.submit(
        f"/track/{out_of_scope}",
        {"object-version": str(reload(out_of_scope).version), "object-comment": "属于援助事项"},
        action=f"/track/{out_of_scope}/actions/object",
    )
    act(reviewer, out_of_scope, "uphold_refusal", {"uphold_refusal-reasons": "确不属于法律援助事项"})
    upheld = text_of(reviewer, f"/legal-aid/objection-decisions/{out_of_scope}/1")
    assert cited(upheld) == LAW + "第四十九条"
    assert f"长司援异字〔{YEAR}〕第1号" in upheld
    assert f"长援不准字〔{YEAR}〕第1号" in upheld  # the decision objected to, by its number
    assert "长沙县人民政府" in upheld and "60" in upheld and "长沙县人民法院" in upheld and "6" in upheld

    pdf = reviewer.get(f"/legal-aid/objection-decisions/{out_of_scope}/1/pdf")
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "第四十九条" in pdf_text and "长司援异字" in pdf_text
    # The applicant sees the bureau's decision on their tracking page, with its number.
    assert f"长司援异字〔{YEAR}〕第1号" in text_of(client, f"/track/{out_of_scope}")

    second = under_review(client, officer)
    act(officer, second, "approve")
    assert f"长援准字〔{YEAR}〕第2号" in text_of(officer, f"/legal-aid/decisions/{second}/approval")


def test_a_refusal_for_hardship_cites_the_hardship_articles(client, staff):
    officer, _reviewer = staff
    reference = under_review(client, officer)
    act(officer, reference, "refuse", {"refuse-ground": "not_hardship", "refuse-reasons": "收入超过标准"})
    page = text_of(officer, f"/legal-aid/decisions/{reference}/refusal")
    assert cited(page) == LAW + "第三十四条、第四十一条、第四十三条"


def test_outcomes_are_kept_as_history(client, make_client, staff):
    """Mutant caught: the outcome only in the application's one field (overwritten)."""
    officer, reviewer = staff
    reference = under_review(client, officer)
    act(officer, reference, "refuse", {"refuse-reasons": "收入超过标准"})
    client.submit(
        f"/track/{reference}",
        {"object-version": str(reload(reference).version), "object-comment": "收入计算有误"},
        action=f"/track/{reference}/actions/object",
    )
    act(reviewer, reference, "correct_refusal", {"correct_refusal-reasons": "收入应扣除社保"})
    act(officer, reference, "refuse", {"refuse-reasons": "扣除社保后收入仍超过标准"})
    client.submit(
        f"/track/{reference}",
        {"object-version": str(reload(reference).version), "object-comment": "仍有误"},
        action=f"/track/{reference}/actions/object",
    )
    act(reviewer, reference, "uphold_refusal", {"uphold_refusal-reasons": "维持"})
    rows = db.session.scalars(select(ObjectionOutcome).order_by(ObjectionOutcome.id)).all()
    assert [(r.outcome, r.number) for r in rows] == [
        ("corrected", f"长司援异字〔{YEAR}〕第1号"),
        ("upheld", f"长司援异字〔{YEAR}〕第2号"),
    ]
    # The refusal refused again has a number of its own; the order to correct names the first.
    assert rows[0].objected_number == f"长援不准字〔{YEAR}〕第1号"
    assert rows[1].objected_number == f"长援不准字〔{YEAR}〕第2号"
    corrected = text_of(client, f"/legal-aid/objection-decisions/{reference}/1")
    assert "责令" in corrected or "orders the legal aid centre to correct" in corrected
    assert "行政复议" not in corrected  # the remedy is for a decision upheld
    # Only this browser (its applicant) and staff who may see the request open it: anyone
    # else, and a number that does not exist, get 404 (as the other decisions).
    # Mutant seen red: _objection_decision_or_404 without its access check.
    for url in (
        f"/legal-aid/objection-decisions/{reference}/1",
        f"/legal-aid/objection-decisions/{reference}/1/pdf",
    ):
        assert make_client().get(url).status_code == 404
    assert client.get(f"/legal-aid/objection-decisions/{reference}/3").status_code == 404
    assert reviewer.get(f"/legal-aid/objection-decisions/{reference}/2").status_code == 200


def test_each_series_restarts_every_year(app, client, staff):
    officer, _reviewer = staff
    reference = under_review(client, officer)
    application = reload(reference)
    first = numbering.issue(application, numbering.APPROVAL, datetime(2026, 12, 31, 8, tzinfo=UTC))
    other = numbering.issue(application, numbering.REFUSAL, datetime(2026, 12, 31, 9, tzinfo=UTC))
    nextyear = numbering.issue(application, numbering.APPROVAL, datetime(2027, 1, 2, 8, tzinfo=UTC))
    db.session.commit()
    assert (first.number, other.number, nextyear.number) == (1, 1, 1)
    assert nextyear.text == "长援准字〔2027〕第1号"
    app.config["LEGAL_AID_DOCUMENT_PREFIXES"] = {
        **app.config["LEGAL_AID_DOCUMENT_PREFIXES"],
        "approval": "县援准字",
    }
    assert numbering.number_of(application, numbering.APPROVAL) == "县援准字〔2027〕第1号"


def test_two_writers_at_once_never_share_a_number(app, client, staff):
    """Mutant caught on PostgreSQL: issue() without its advisory lock (four writers ran out
    of retries). The writers here are serialised by the lock (PostgreSQL) or by SQLite's
    BEGIN IMMEDIATE, so the retry on the unique constraint is a second line this test does
    not reach."""
    officer, _reviewer = staff
    application_id = reload(under_review(client, officer)).id
    db.session.commit()
    barrier, errors, per_writer = threading.Barrier(4), [], 5

    def writer():
        try:
            with app.app_context():
                barrier.wait(timeout=20)  # all start at once (SQLite: one writer at a time)
                application = db.session.get(LegalAidApplication, application_id)
                for _ in range(per_writer):
                    numbering.issue(application, numbering.LETTER)
                    db.session.commit()
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.expire_all()
    numbers = db.session.scalars(
        select(numbering.DocumentNumber.number).where(numbering.DocumentNumber.series == "letter")
    ).all()
    assert sorted(numbers) == list(range(1, 4 * per_writer + 1))


def test_the_decisions_read_every_number_of_the_application_at_once(app, client, staff):
    """The staff detail page lists the standing decisions with their numbers: one statement
    reads them all (it read one per decision), and the latest number of each series is the
    one printed. Mutant seen red: decisions_of calling decision_of without `numbers`."""
    from statement_count import counted_statements

    from portal.legal_aid.decisions import decisions_of

    officer, _reviewer = staff
    application = reload(under_review(client, officer))
    with counted_statements(db.engine) as sent:
        assert decisions_of(application) == []
    assert not [s for s in sent if "legal_aid_document_number" in s], str(sent)  # nothing stands yet

    now = datetime(2026, 12, 7, 8, tzinfo=UTC)
    numbering.issue(application, numbering.APPROVAL, now)
    numbering.issue(application, numbering.APPROVAL, now)  # made again: the second number stands
    numbering.issue(application, numbering.TERMINATION, now)
    application.approved_at = application.terminated_at = now.replace(tzinfo=None)
    application.termination_ground = "other"
    db.session.commit()
    with counted_statements(db.engine) as sent:
        numbers = {d.which: d.number for d in decisions_of(application)}
    assert numbers == {"approval": "长援准字〔2026〕第2号", "termination": "长援终字〔2026〕第1号"}
    assert len([s for s in sent if "legal_aid_document_number" in s]) == 1, str(sent)
