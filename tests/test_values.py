"""Value normalisation, reference expansion and designator prefixes (PRODUCT.md 6.3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctb_files.ops.bom.values import expand_refs, normalize_value, ref_prefix


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("3M3", "3.3M"),
        ("4k7", "4.7k"),
        ("2u2", "2.2u"),
        ("3U3", "3.3u"),
        ("2n2", "2.2n"),
        ("1m5", "1.5m"),
        ("3P3", "3.3p"),
        ("4K7 1%", "4.7K"),
        ("1N4148", "1N4148"),
        ("10K", "10K"),
        ("100nF", "100nF"),
        ("  4k7  ", "4.7k"),
        (" 10K ", "10K"),
        ("2\u00b52", "2.2u"),
        ("2n2F", "2.2nF"),
        ("100nF 50V", "100nF"),
        ("LED Green 0402", "LED Green 0402"),
        ("TL074", "TL074"),
        ("", ""),
    ],
)
def test_normalize_value_table(raw: str, normal: str) -> None:
    assert normalize_value(raw) == normal


def test_normalize_value_is_idempotent_on_the_table() -> None:
    for raw in ["3M3", "4k7", "2u2", "3U3", "2n2", "1m5", "3P3", "4K7 1%", "1N4148"]:
        once = normalize_value(raw)
        assert normalize_value(once) == once


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("R1-R4", ["R1", "R2", "R3", "R4"]),
        ("C1-C3,C7", ["C1", "C2", "C3", "C7"]),
        ("R1, R2, ", ["R1", "R2"]),
        ("R3 R4", ["R3", "R4"]),
        ("D1,D2,D1", ["D1", "D2"]),
        ("R2,R1", ["R2", "R1"]),
        ("R1-R4 R7", ["R1", "R2", "R3", "R4", "R7"]),
        ("R3, R1-R4", ["R3", "R1", "R2", "R4"]),
        ("SW-1, SW-2", ["SW-1", "SW-2"]),
        ("R4-R1", ["R4-R1"]),
        ("R1-C4", ["R1-C4"]),
        ("R01-R03", ["R01", "R02", "R03"]),
        (",,", []),
        ("", []),
        ("Brd1,Brd4", ["Brd1", "Brd4"]),
    ],
)
def test_expand_refs(text: str, refs: list[str]) -> None:
    assert expand_refs(text) == refs


@pytest.mark.parametrize(
    ("ref", "prefix"),
    [
        ("R12", "R"),
        ("Brd1", "Brd"),
        ("SW-1", "SW"),
        ("U1A", "U"),
        ("TP3", "TP"),
        ("#PWR01", "#PWR"),
    ],
)
def test_ref_prefix(ref: str, prefix: str) -> None:
    assert ref_prefix(ref) == prefix


prefixes = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZabcdefgh_", min_size=1, max_size=4)


@given(prefix=prefixes, start=st.integers(0, 500), count=st.integers(1, 60))
def test_range_expands_to_every_number(prefix: str, start: int, count: int) -> None:
    end = start + count - 1
    refs = expand_refs(f"{prefix}{start}-{prefix}{end}")
    assert refs == [f"{prefix}{n}" for n in range(start, end + 1)]
    assert {ref_prefix(ref) for ref in refs} == {prefix.rstrip("_") or prefix}


@given(
    refs=st.lists(
        st.builds(lambda p, n: f"{p}{n}", prefixes, st.integers(0, 999)), max_size=30
    ),
    separator=st.sampled_from([",", ", ", " ", ";", ",\t"]),
)
def test_joined_refs_round_trip(refs: list[str], separator: str) -> None:
    unique = list(dict.fromkeys(refs))
    assert expand_refs(separator.join(refs) + separator) == unique
    assert expand_refs(", ".join(expand_refs(separator.join(refs)))) == unique
