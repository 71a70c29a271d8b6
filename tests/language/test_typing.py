"""How Vietnamese gets typed: Telex and VNI read back, regional confusions, slips of a key."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.language.analysis import analyse
from indexer.language.keyboards import (
    KEYBOARDS,
    TELEX,
    VNI,
    keystrokes,
    prefix_reading,
    readings,
)
from indexer.language.misspellings import one_edit, regional
from indexer.language.text import fold


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("toor", "tổ"),
        ("chuwcs", "chức"),  # w alone after u: ư; the tone key after the final consonant
        ("ddangr", "đảng"),  # dd: đ
        ("tosan", "toán"),  # the tone key right after the vowel
        ("nguwowif", "người"),  # uwow: ươ
        ("nguowif", "người"),  # uow: ươ too
        ("tw", "tư"),  # w alone: ư
        ("nhw", "như"),
        ("quawn", "quăn"),  # aw: ă
        ("vieetj", "việt"),
        ("hoafn", "hoàn"),  # the tone placed by rule, not where the key came
        ("giaf", "già"),
        ("xax", "xã"),  # x first is a letter, then a tone
        ("khoong", "không"),
        ("hoaz", "hoa"),  # z drops a mark
    ],
)
def test_telex_read_back(typed, meant):
    assert meant in readings(typed, TELEX)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("to63", "tổ"),
        ("chu7c1", "chức"),
        ("d9ang3", "đảng"),
        ("d9a3ng", "đảng"),  # the tone digit right after the vowel
        ("ngu7o72i", "người"),
        ("nguo72i", "người"),  # 7 after "uo": ươ
        ("vie65t", "việt"),
        ("a8n", "ăn"),
        ("thuo73", "thuở"),  # and uơ, as "thuở" writes it
        ("nguye64n", "nguyễn"),
    ],
)
def test_vni_read_back(typed, meant):
    assert meant in readings(typed, VNI)


@pytest.mark.parametrize("typed", ["sang", "xoong", "ban", "", "a" * 20, "tổ", "to-chuc"])
def test_no_key_read_means_no_reading(typed):
    # "xoong" reads as "xông" on Telex (oo: ô); plain words and marked ones give nothing
    found = readings(typed, TELEX) | readings(typed, VNI)
    assert found <= {"xông"}


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("ddoongf", "đồng"), ("ddoo", "đô"), ("d9o6ng2", "đồng"), ("chuw", "chư"), ("to6", "tô")],
)
def test_the_beginning_of_a_syllable_typed_with_keys(typed, meant):
    assert meant in {prefix_reading(typed, k) for k in KEYBOARDS}


SYLLABLES = sorted(
    {
        s
        for s in analyse(
            "Người dân Thừa Thiên Huế đón nhận quyết định nâng cấp đường nguyễn khuyến "
            "thuở ấy, khuỷu tay, ngoằn ngoèo, giữa lòng thành phố, quốc gia, trường học"
        ).syllables
        if s != fold(s)
    }
)


@pytest.mark.parametrize("syllable", SYLLABLES)
@pytest.mark.parametrize("keyboard", KEYBOARDS, ids=lambda k: k.name)
@pytest.mark.parametrize("tone_last", [True, False], ids=["tone-last", "tone-after-vowel"])
def test_keystrokes_read_back_as_the_syllable(syllable, keyboard, tone_last):
    assert syllable in readings(keystrokes(syllable, keyboard, tone_last), keyboard)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdeghiklmnopqrstuvwxyz0123456789", max_size=14))
def test_any_keys_give_syllables_or_nothing(typed):
    for keyboard in KEYBOARDS:
        for reading in readings(typed, keyboard):
            assert reading and fold(reading).isalpha()
        prefix_reading(typed, keyboard)  # never raises


@pytest.mark.parametrize(
    ("syllable", "confused"),
    [
        ("xây", {"sây"}),  # s/x
        ("sinh", {"xinh"}),
        ("chiến", {"triến", "chiếng"}),  # ch/tr; final n/ng
        ("dễ", {"giễ", "rễ", "dể"}),  # d/gi/r; hỏi/ngã
        ("lược", {"nược", "lượt"}),  # l/n; final c/t
        ("nghĩ", {"nghỉ"}),
        ("gì", {"dì", "rì"}),  # gi before no other vowel keeps its i
    ],
)
def test_regional_confusions(syllable, confused):
    assert regional(syllable) == confused


def test_one_edit_gives_every_string_one_edit_away():
    found = set(one_edit("ab", "abx"))
    assert {"b", "a"} <= found  # deleted
    assert "ba" in found  # swapped
    assert {"xb", "ax", "bb", "aa"} <= found  # replaced
    assert {"xab", "axb", "abx"} <= found  # inserted
    assert all(abs(len(f) - 2) <= 1 for f in found) and "ab" in found  # replaced by itself
    assert "xx" not in found and "abxx" not in found
