"""The round-trip editor keeps every digit of a number it did not change, and reads it as the loader does.

ruamel reads a float as a Python float, which holds 15 to 17 significant
digits: a stock count of ``12345.123456789012`` on a line no command
touched came out ``12345.123456789011`` when another line of the file was
edited.  Floats are read as :class:`~ctb_files.storage.yaml.edit.WrittenNumber`
(a Decimal that keeps its text) and written back with that text.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ctb_files.storage.changes import ChangeSet
from ctb_files.storage.writeback.stock import write_line
from ctb_files.storage.yaml import dump, load_fast, load_roundtrip
from ctb_files.storage.yaml.edit import WrittenNumber

digits = st.text("0123456789", min_size=1, max_size=15)
fractions = st.text("0123456789", min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(whole=digits, fraction=fractions, sign=st.sampled_from(["", "-", "+"]))
def test_a_decimal_is_written_back_as_it_was_and_read_as_the_loader_reads_it(
    whole: str, fraction: str, sign: str
) -> None:
    text = f"{sign}{whole}.{fraction}"
    source = f"a: {text}\nb: 1\n"
    doc = load_roundtrip(source)
    assert isinstance(doc["a"], WrittenNumber)
    assert doc["a"] == load_fast(source.encode(), "x.yaml")["a"] == Decimal(text)
    doc["b"] = 2
    assert dump(doc) == f"a: {text}\nb: 2\n"


def test_other_floats_are_written_as_they_were() -> None:
    source = "a: 1.0e3\nb: .5\nc: .inf\nd: -.inf\ne: .nan\nf: 1_000.5\ng: 2.50\n"
    doc = load_roundtrip(source)
    assert dump(doc) == source
    assert (doc["a"], doc["b"], doc["f"], doc["g"]) == (
        Decimal(1000),
        Decimal("0.5"),
        Decimal("1000.5"),
        Decimal("2.50"),
    )
    assert doc["g"] + 1 == Decimal("3.50") and str(doc["g"] + 1) == "3.50"


def test_a_long_count_on_another_line_stays_when_a_stock_file_is_edited(tmp_path: Path) -> None:
    """Through the round trip (a comment after a line): the line not touched keeps every digit."""
    text = b"lines:\n  - {part: a, quantity: 12345.123456789012}  # weighed\n  - {part: b, quantity: 4}\n"
    changes = ChangeSet(tmp_path, {"stock/shelf.yaml": text})
    write_line(changes, "shelf", "b", None, Decimal(5), index=1)
    assert changes.edit_lines("stock/shelf.yaml") is None  # the round trip was used
    assert changes.pending()["stock/shelf.yaml"] == text.replace(b"quantity: 4}", b"quantity: 5}")
