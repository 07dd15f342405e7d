# ruff: noqa: F811  (the `people` fixture is imported from test_mediation)
"""Escalation risk (issue 34, People's Mediation Law Art. 25): the mediator flags a dispute
that may turn violent or criminal with its level and the steps taken; the flag shows on the
queue, filters it, and is counted in the reports; parties never see it."""

from test_mediation import OTHER_MOBILE, accept, applied, case, people, signed_in  # noqa: F401


def test_a_risk_flag_with_its_steps_shows_on_the_queue_and_is_counted(
    client, people, make_client, make_staff
):
    flagged = applied(client, people)
    quiet = applied(make_client(), people, mobile="13900000042", other_mobile="13900000052")
    for reference in (flagged, quiet):
        accept(make_client, people, reference)
    mediator = signed_in(make_client, "mediator")
    page = f"/staff/mediation/cases/{flagged}/risk"
    unexplained = mediator.submit(page, {"level": "high", "steps": ["police"], "note": ""})
    assert unexplained.status_code == 400 and 'id="note-error"' in unexplained.get_data(as_text=True)
    saved = mediator.submit(
        page,
        {"level": "high", "steps": ["separated", "police"], "note": "调解现场一方持械威胁，已报星沙派出所"},
    )
    assert saved.status_code == 303
    found = case(flagged)
    assert (found.escalation_level, found.escalation_steps) == ("high", "separated,police")
    detail = mediator.get(f"/staff/requests/{flagged}").get_data(as_text=True)
    assert "高风险" in detail and "已报告公安机关" in detail and "已将双方隔离" in detail

    coordinator = signed_in(make_client, "mediation")
    queue = coordinator.get("/staff/queue/mediation?tab=all").get_data(as_text=True)
    row_of = {ref: next(row for row in queue.split("<tr") if ref in row) for ref in (flagged, quiet)}
    assert "高风险" in row_of[flagged] and "高风险" not in row_of[quiet]
    only_risky = coordinator.get("/staff/queue/mediation?tab=all&risk=any").get_data(as_text=True)
    assert flagged in only_risky and quiet not in only_risky

    make_staff("boss", "supervisor")
    report = signed_in(make_client, "boss").get("/staff/reports/").get_data(as_text=True)
    start = report.index("标记为有激化风险的纠纷")
    row = report[start : report.index("</tr>", start)]
    assert "risk=any" in row and ">1</a>" in row

    other = make_client()
    other.submit("/track", {"reference": flagged, "mobile": OTHER_MOBILE})
    for viewer in (client, other):
        assert "派出所" not in viewer.get(f"/track/{flagged}").get_data(as_text=True)
    assert signed_in(make_client, "mediator2").get(page).status_code == 403
