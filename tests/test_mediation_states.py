# ruff: noqa: F811  (the `people` fixture is imported from test_mediation)
"""States that read right (issue 34): the progress bar never goes from "accepted" to "not
accepted" (the other party's refusal is its own state), and an applicant's withdrawal after
acceptance is a withdrawal, not a failed mediation, in the figures."""

import re

from test_mediation import OTHER_MOBILE, accept, act, applied, case, people, signed_in  # noqa: F401


def progress(page: str) -> list[str]:
    bar = page[
        page.index('class="progress-steps"') : page.index("</ol>", page.index('class="progress-steps"'))
    ]
    return re.findall(r'class="progress-label">([^<]+)<', bar)


def test_a_refusal_after_acceptance_never_reads_not_accepted(client, people, make_client):
    reference = applied(client, people)
    accept(make_client, people, reference)
    other = make_client()
    other.submit("/track", {"reference": reference, "mobile": OTHER_MOBILE})
    refuse = f"/track/{reference}/actions/party_refuse"
    assert other.submit(refuse, {}, action=refuse).status_code == 303
    assert case(reference).status == "not_agreed"
    steps = progress(client.get(f"/track/{reference}").get_data(as_text=True))
    assert steps == ["已提交", "已受理", "对方不同意调解"], steps
    assert "未受理" not in steps

    silent = applied(make_client(), people, mobile="13900000042", other_mobile="13900000052")
    accept(make_client, people, silent)
    ended = act(
        signed_in(make_client, "mediator"),
        silent,
        "record_no_consent",
        {"record_no_consent-reason": "对方三次联系未答复"},
    )
    assert ended.status_code == 303 and case(silent).status == "not_agreed"


def test_a_withdrawal_after_acceptance_is_not_a_failed_mediation(client, people, make_client, make_staff):
    reference = applied(client, people)
    accept(make_client, people, reference)
    withdraw = f"/track/{reference}/actions/applicant_withdraw"
    assert f"/track/{reference}/actions/applicant_end" not in client.get(f"/track/{reference}").get_data(
        as_text=True
    )
    assert client.submit(withdraw, {}, action=withdraw).status_code == 303
    assert case(reference).status == "withdrawn"
    make_staff("boss", "supervisor")
    boss = signed_in(make_client, "boss")
    failed = boss.get("/staff/queue/mediation?tab=all&outcome=failed").get_data(as_text=True)
    assert reference not in failed
    report = boss.get("/staff/reports/").get_data(as_text=True)
    for label, count in (("调解未成功", "0"), ("申请人撤回", "1")):
        start = report.index(f'<th scope="row">{label}')
        row = report[start : report.index("</tr>", start)]
        assert f">{count}</a>" in row, (label, row)
