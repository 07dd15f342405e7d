"""SPEC §8 validators: resident ID, USCC, mobile; and masking. Structure is checked, not
only the check character; full-width digits and `Ｘ`, spaces and lower case are normalised,
in the functions and through the forms that use them."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from portal.accounts.models import User
from portal.core import identity
from portal.core.identity import (
    ID_WEIGHTS,
    PROVINCE_CODES,
    USCC_CHARSET,
    id_check_char,
    mask_id_number,
    mask_mobile,
    normalise_mobile,
    normalise_uscc,
    parse_resident_id,
    resident_id_problem,
    uscc_check_char,
    uscc_problem,
)
from portal.extensions import db
from portal.legal_aid.models import LegalAidApplication

from support import application_form


@pytest.mark.parametrize(
    ("number", "birth", "gender"),
    [
        ("11010519491231002X", date(1949, 12, 31), "female"),
        ("440524188001010014", date(1880, 1, 1), "male"),
        ("430121199001011237", date(1990, 1, 1), "male"),
    ],
)
def test_valid_resident_ids_give_birth_date_and_gender(number, birth, gender):
    parsed = parse_resident_id(number)
    assert parsed is not None
    assert (parsed.birth_date, parsed.gender) == (birth, gender)


def test_lower_case_x_is_accepted_and_upper_cased():
    assert parse_resident_id("11010519491231002x").number == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("36042619910102009X", identity.CHECK_CHAR),
        ("360426199113010079", identity.BIRTH_DATE),
        ("", identity.FORMAT),
        ("43012119900101123", identity.FORMAT),
        ("4301211990010112377", identity.FORMAT),
        ("A30121199001011237", identity.FORMAT),
        ("43012119900101123Y", identity.FORMAT),
        # Right check character, but no such province: 00, 16, 99 (SPEC §8).
        ("000000199001011237", identity.PROVINCE),
        ("160121199001011237", identity.PROVINCE),
        ("990121199001011237", identity.PROVINCE),
    ],
)
def test_invalid_resident_ids_are_refused_with_the_rule_they_break(number, problem):
    if problem == identity.PROVINCE:
        number = number[:17] + id_check_char(number[:17])  # only the province is wrong
    assert parse_resident_id(number) is None
    assert resident_id_problem(number) == problem


@pytest.mark.parametrize(
    "typed",
    [
        "４３０１２１１９９００１０１１２３７",
        "4301 2119 9001 0112 37",
        " 430121199001011237 ",
        "４３０１２１　１９９００１０１　１２３７",
    ],
)
def test_full_width_digits_and_spaces_are_normalised(typed):
    assert parse_resident_id(typed).number == "430121199001011237"


def test_full_width_x_is_accepted():
    assert parse_resident_id("11010519491231002Ｘ").number == "11010519491231002X"
    assert parse_resident_id("11010519491231002ｘ").number == "11010519491231002X"


def test_residence_permit_codes_are_provinces():
    assert {"81", "82", "83"} <= PROVINCE_CODES
    assert (
        not {"00", "10", "16", "24", "30", "38", "40", "47", "55", "60", "66", "71", "80", "84", "91"}
        & PROVINCE_CODES
    )


def test_birth_date_in_the_future_is_refused():
    first17 = "43012120990101123"
    assert parse_resident_id(first17 + id_check_char(first17), today=date(2026, 11, 28)) is None


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_any_17_digits_with_their_check_char_parse_iff_province_and_date_are_real(first17):
    number = first17 + id_check_char(first17)
    parsed = parse_resident_id(number, today=date(2026, 11, 28))
    try:
        birth = date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14]))
        real = date(1850, 1, 1) <= birth <= date(2026, 11, 28)
    except ValueError:
        real = False
    assert (parsed is not None) == (real and first17[:2] in PROVINCE_CODES)


ID_BODY = st.tuples(
    st.integers(0, 99),
    st.integers(0, 9999),
    st.dates(date(1850, 1, 1), date(2026, 11, 28)),
    st.integers(0, 999),
).map(lambda parts: f"{parts[0]:02d}{parts[1]:04d}{parts[2]:%Y%m%d}{parts[3]:03d}")


@given(ID_BODY)
def test_a_real_birth_date_with_its_check_char_parses_iff_the_province_is_real(first17):
    parsed = parse_resident_id(first17 + id_check_char(first17), today=date(2026, 11, 28))
    assert (parsed is not None) == (first17[:2] in PROVINCE_CODES)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17), st.sampled_from("0123456789X"))
def test_a_wrong_check_char_is_always_refused(first17, check):
    if check != id_check_char(first17):
        assert parse_resident_id(first17 + check) is None


def test_id_weights_are_the_standard_ones():
    assert ID_WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@pytest.mark.parametrize(
    ("code", "normalised"),
    [
        ("91110000600037341L", "91110000600037341L"),
        ("91310115MA1K3BTP2B", "91310115MA1K3BTP2B"),
        ("91310115ma1k3btp2b", "91310115MA1K3BTP2B"),
        ("９１１１００００６０００３７３４１Ｌ", "91110000600037341L"),
        ("9111 0000 6000 3734 1L", "91110000600037341L"),
    ],
)
def test_valid_uscc(code, normalised):
    assert normalise_uscc(code) == normalised


def with_check(first17: str) -> str:
    return first17 + uscc_check_char(first17)


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91110000600037341N", identity.CHECK_CHAR),
        ("91110000600037341", identity.FORMAT),
        ("9111000060003734IL", identity.FORMAT),
        ("", identity.FORMAT),
        # A right check character on a wrong structure:
        ("000000000000000000", identity.STRUCTURE),  # all zeros: authority 0, type 0
        (with_check("91AB0000600037341"), identity.STRUCTURE),  # letters where the region goes
        (with_check("91990000600037341"), identity.STRUCTURE),  # no province 99
        (with_check("B1110000600037341"), identity.STRUCTURE),  # no authority B
        (with_check("9A110000600037341"), identity.STRUCTURE),  # no type A
    ],
)
def test_invalid_uscc_with_the_rule_it_breaks(code, problem):
    assert normalise_uscc(code) is None
    assert uscc_problem(code) == problem


def test_national_registrations_and_village_collectives_are_valid():
    assert normalise_uscc(with_check("11100000000000000"))  # a central body: region 10
    assert normalise_uscc(with_check("N2430121MA4L00001"))  # a village collective: N2


USCC_BODY = st.tuples(
    st.sampled_from(sorted(identity.USCC_AUTHORITIES)),
    st.sampled_from(sorted(identity.USCC_TYPES)),
    st.sampled_from(sorted(PROVINCE_CODES | {"10"})),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
    st.text(alphabet=USCC_CHARSET, min_size=9, max_size=9),
).map("".join)


@given(USCC_BODY)
def test_uscc_with_its_check_char_is_valid_and_any_other_is_not(first17):
    assert normalise_uscc(first17 + uscc_check_char(first17)) == first17 + uscc_check_char(first17)
    for other in USCC_CHARSET[:5]:
        if other != uscc_check_char(first17):
            assert normalise_uscc(first17 + other) is None


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("13800138000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("0086 138-0013-8000", "13800138000"),
        ("199 0000 0000", "19900000000"),
        ("１３８００１３８０００", "13800138000"),
        ("＋８６ １３８ ００１３ ８０００", "13800138000"),
    ],
)
def test_mobile_is_normalised(raw, normalised):
    assert normalise_mobile(raw) == normalised


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "138001380000", "+85213800138000", "abc", ""])
def test_invalid_mobiles(raw):
    assert normalise_mobile(raw) is None


@given(
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
    st.sampled_from(["", "+86", "0086"]),
)
def test_every_valid_mobile_form_normalises_to_11_digits(second, rest, prefix):
    assert normalise_mobile(prefix + "1" + second + rest) == "1" + second + rest


def test_masking_keeps_only_the_ends():
    assert mask_id_number("430121199001011237") == "4301**********1237"
    assert mask_mobile("13800138000") == "138****8000"


# Through the forms that use them (every form shares portal.core.fields).


def test_the_legal_aid_form_reads_full_width_numbers(client):
    response = client.submit(
        "/legal-aid/apply",
        application_form(
            id_number="４３０１２１ １９９００１０１ １２３７", mobile="１３９ ０００ ０００１１"
        ),
    )
    assert response.status_code == 303
    application = db.session.scalar(select(LegalAidApplication))
    assert (application.id_number, application.applicant_mobile) == ("430121199001011237", "13900000011")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("36042619910102009X", "The last character does not match the others"),
        ("360426199113010079", "The birth date in the number"),
        (
            ("990121199001011237"[:17] + id_check_char("99012119900101123")),
            "The first two digits are not a province code",
        ),
        ("43012119900101", "A resident ID number has 18 characters"),
    ],
)
def test_the_legal_aid_form_says_which_rule_an_id_breaks(client, number, message):
    client.get("/language/en")
    response = client.submit("/legal-aid/apply", application_form(id_number=number))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def register_enterprise(client, uscc: str):
    client.get("/language/en")
    return client.submit(
        "/account/register",
        {
            "account_type": "enterprise",
            "display_name": "唐会计",
            "mobile": "13800000011",
            "company_name": "星沙某科技有限公司",
            "uscc": uscc,
            "password": "long-enough-pw",
            "confirm": "long-enough-pw",
        },
    )


@pytest.mark.parametrize(
    ("uscc", "message"),
    [
        ("000000000000000000", "This is not how a unified social credit code starts"),
        (with_check("91AB0000600037341"), "This is not how a unified social credit code starts"),
        ("91110000600037341N", "The last character does not match the others"),
    ],
)
def test_registration_checks_the_credit_code_s_structure(client, uscc, message):
    response = register_enterprise(client, uscc)
    assert 'id="uscc-error"' in response.get_data(as_text=True)
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(User.id)) is None


def test_registration_reads_a_full_width_credit_code(client):
    response = register_enterprise(client, "９１１１ ００００ ６０００ ３７３４ １ｌ")
    assert response.status_code == 302
    from portal.accounts.enterprises import Enterprise

    assert db.session.scalar(select(Enterprise.uscc)) == "91110000600037341L"
