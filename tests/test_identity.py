"""SPEC §8 validators: resident ID, USCC, mobile; and masking."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.core.identity import (
    ID_WEIGHTS,
    USCC_CHARSET,
    id_check_char,
    mask_id_number,
    mask_mobile,
    normalise_mobile,
    normalise_uscc,
    parse_resident_id,
    uscc_check_char,
)


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
    "number",
    ["36042619910102009X", "360426199113010079", "", "43012119900101123", "4301211990010112377", "A30121199001011237"],
)
def test_invalid_resident_ids_are_refused(number):
    assert parse_resident_id(number) is None


def test_birth_date_in_the_future_is_refused():
    first17 = "43012120990101123"
    assert parse_resident_id(first17 + id_check_char(first17), today=date(2026, 11, 28)) is None


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_any_17_digits_with_their_check_char_parse_iff_the_date_is_real(first17):
    number = first17 + id_check_char(first17)
    parsed = parse_resident_id(number, today=date(2026, 11, 28))
    try:
        birth = date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14]))
        real = date(1850, 1, 1) <= birth <= date(2026, 11, 28)
    except ValueError:
        real = False
    assert (parsed is not None) == real


@given(st.text(alphabet="0123456789", min_size=17, max_size=17), st.sampled_from("0123456789X"))
def test_a_wrong_check_char_is_always_refused(first17, check):
    if check != id_check_char(first17):
        assert parse_resident_id(first17 + check) is None


def test_id_weights_are_the_standard_ones():
    assert ID_WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@pytest.mark.parametrize("code", ["91110000600037341L", "91310115MA1K3BTP2B", "91310115ma1k3btp2b"])
def test_valid_uscc(code):
    assert normalise_uscc(code) == code.upper()


@pytest.mark.parametrize("code", ["91110000600037341N", "91110000600037341", "9111000060003734IL", ""])
def test_invalid_uscc(code):
    assert normalise_uscc(code) is None


@given(st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17))
def test_uscc_with_its_check_char_is_valid_and_any_other_is_not(first17):
    assert normalise_uscc(first17 + uscc_check_char(first17)) == first17 + uscc_check_char(first17)
    for other in USCC_CHARSET[:5]:
        if other != uscc_check_char(first17):
            assert normalise_uscc(first17 + other) is None


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [("13800138000", "13800138000"), ("+8613800138000", "13800138000"), ("0086 138-0013-8000", "13800138000"),
     ("199 0000 0000", "19900000000")],
)
def test_mobile_is_normalised(raw, normalised):
    assert normalise_mobile(raw) == normalised


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "138001380000", "+85213800138000", "abc", ""])
def test_invalid_mobiles(raw):
    assert normalise_mobile(raw) is None


@given(st.sampled_from("3456789"), st.text(alphabet="0123456789", min_size=9, max_size=9), st.sampled_from(["", "+86", "0086"]))
def test_every_valid_mobile_form_normalises_to_11_digits(second, rest, prefix):
    assert normalise_mobile(prefix + "1" + second + rest) == "1" + second + rest


def test_masking_keeps_only_the_ends():
    assert mask_id_number("430121199001011237") == "4301**********1237"
    assert mask_mobile("13800138000") == "138****8000"
