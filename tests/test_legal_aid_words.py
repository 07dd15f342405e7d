"""Words as the law has them (issue #33): the Art. 32(一) option protects the martyr's own
name and honour; income is counted after tax and social insurance; a reference handed out
before anything is accepted is a 查询编号, never a 受理编号."""

from support import application_form


def test_the_form_says_what_art_32_and_the_hardship_rule_mean(client):
    """Mutants caught: the old label "维护英雄烈士亲属的权益" and the "税前" hint."""
    page = client.get("/legal-aid/apply").get_data(as_text=True)
    assert "英雄烈士的姓名、名誉、荣誉" in page and "英雄烈士亲属的权益" not in page
    assert "社会保险费后" in page and "税前" not in page


def test_the_reference_given_on_applying_is_not_an_acceptance_number(client):
    """Mutant caught: any catalog entry saying 受理编号 again (the confirmation or tracking)."""
    response = client.submit("/legal-aid/apply", application_form())
    assert response.status_code in (302, 303)
    for page in (client.get(response.headers["Location"]), client.get("/track")):
        html = page.get_data(as_text=True)
        assert "受理编号" not in html
    assert "查询编号" in client.get(response.headers["Location"]).get_data(as_text=True)
