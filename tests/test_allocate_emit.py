"""Writing build files: the fast text path equals the round-trip path, byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ctb_files.core.models.build import Build
from ctb_files.ops.builds.fields import KEY_ORDER, WRITTEN
from ctb_files.storage.writeback.build import emit_written, render_build, written_region
from ctb_files.storage.yaml import load_fast

HEADS = [
    "project: p\nversion: v1\nquantity: 3\n",
    "# spring batch\nproject: p   # the synth\nversion: v1\nquantity: 3\nnote: |\n  two lines\n  of note\n",
    "project: p\nversion: v1\nquantity: 3\nexclude: [41]  # the jack\nfallbacks: {r1: r2}\n\n# ctb writes below\n",
    "project: p\nversion: v1\n\n# how many\nquantity: 3  # units\n",
    "project: p\nversion: v1\nquantity: 3\ndue: 2026-12-01\nnote: >-\n  folded\n  text\n",
    # as PyYAML's safe_dump writes a draft: keys sorted, so status and created_at stand among the user's keys
    "created_at: '2026-11-01T10:00:00Z'\nfallbacks:\n  r1: r2\npriority: 0\nproject: p\nquantity: 3\nstatus: draft\nversion: v1\n",
    "created_at: 2026-11-01 10:00:00+00:00\nproject: p\nquantity: 3\nstatus: draft\nversion: v1\n",
    "created_at: 2026-11-01 12:00:00+02:00\nproject: p\nquantity: 3\nstatus: 'short'\nversion: v1\n",
    "project: p\nstatus: draft\nversion: v1\nquantity: 3\n",
    "project: p\ncreated_at: 2026-11-01T10:00:00Z\nversion: v1\nquantity: 3\n",  # status new, before it
    "project: p\nstatus: draft  # not yet\nversion: v1\nquantity: 3\n",
    "project: p\nstatus:\n  draft\nversion: v1\nquantity: 3\n",
    "project: p\ncleared_at: 2026-11-01T10:00:00Z\nversion: v1\nquantity: 3\n",  # not set in place
    # opened with ``---``, as yamllint's document-start rule asks (kept either way); closed with ``...``
    "---\nproject: p\nversion: v1\nquantity: 3\n",
    "---\n# spring batch\nproject: p\nversion: v1\nquantity: 3\nstatus: draft\n",
    "---\ncreated_at: 2026-11-01 10:00:00+00:00\nproject: p\nquantity: 3\nstatus: draft\nversion: v1\n",
    "---\nproject: p\nversion: v1\nquantity: 3\n...\n",
    "project: p\nversion: v1\nquantity: 3\n...\n",
    # written on Windows: every line ends CR LF (kept so either way)
    "project: p\r\nversion: v1\r\nquantity: 3\r\n",
    "---\r\n# spring batch\r\nproject: p\r\nversion: v1\r\nquantity: 3\r\nstatus: draft\r\n",
    "project: p\r\nversion: v1\nquantity: 3\r\n",  # both line breaks
]

ids = st.sampled_from([
    "r1", "tl074-soic", "0805", "true", "1e3", "x.y_z", "2026-01-01", "yes", "Null", "a+b", "R_0805",
    "2N3904", "10k", "595-TL074CDR", "0x1F", "1e-5", "0b1", "4k7-0603", "0.1uF", "1.5e3",
])  # fmt: skip
quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10000), places=3)
bins = st.none() | st.sampled_from(["3", "A", "top shelf", "#2", "x: y", "07"])
reasons = st.none() | st.sampled_from(["unmatched BOM row", "unknown part", "part of a BOM cycle", "it's: odd # really"])
moments = st.none() | st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)).map(
    lambda d: d.replace(microsecond=0, tzinfo=UTC)
)


def take() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda loc, part, bin_, qty: {"location": loc, "part": part, **({"bin": bin_} if bin_ else {}), "quantity": qty},
        ids, ids, bins, quantities,
    )  # fmt: skip


fields = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["draft", "short", "cleared", "completed"]),
        "created_at": moments,
        "cleared_at": moments,
        "completed_at": moments,
        "reservations": st.lists(
            st.builds(
                lambda part, qty, lines, takes: {"part": part, "quantity": qty, "lines": lines, "take": takes},
                ids, quantities, st.lists(st.integers(0, 99), max_size=3), st.lists(take(), min_size=1, max_size=3),
            ),  # fmt: skip
            max_size=3,
        ),
        "shortages": st.lists(
            st.builds(
                lambda part, qty, lines, reason: {"part": part, "quantity": qty, "lines": lines, **({"reason": reason} if reason else {})},
                st.none() | ids, quantities, st.lists(st.integers(0, 99), max_size=3), reasons,
            ),  # fmt: skip
            max_size=3,
        ),
        "assemblies": st.lists(st.builds(lambda part, qty: {"part": part, "quantity": qty}, ids, quantities), max_size=2),
    }
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(HEADS), st.none() | fields, fields)
def test_fast_and_round_trip_writes_agree(head: str, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
    text = render_build(head, before, fast=False) if before is not None else head
    fast = render_build(text, after)
    slow = render_build(text, after, fast=False)
    assert fast == slow
    in_head = any(line.split(":")[0] in WRITTEN for line in head.splitlines())
    assert fast.startswith(head) or written_region(head) is None or in_head
    data = load_fast(fast.encode(), "builds/b.yaml")
    Build.model_validate(data)
    assert data["reservations"] == after["reservations"]
    assert data["shortages"] == after["shortages"]


def test_written_region_only_when_ctb_keys_come_last_without_comments() -> None:
    head = HEADS[1]
    assert written_region(head) == len(head)
    assert written_region(head + "status: draft\nreservations: []\n") == len(head)
    assert written_region(head + "status: draft  # hm\n") is None
    assert written_region(head + "cleared_at: 2026-11-01T10:00:00Z\nnote: later\n") is None
    # a status or a creation time among the user's keys is set where it stands
    assert written_region(head + "status: draft\nnote: later\n") == len(head) + len("status: draft\nnote: later\n")
    assert written_region("status: draft\n" + head) == len(head) + len("status: draft\n")
    assert written_region("{project: p, version: v1, quantity: 1}\n") is None
    assert written_region("---\nproject: p\n") == len("---\nproject: p\n")
    assert written_region("---\nproject: p\nstatus: draft\n") == len("---\nproject: p\n")
    assert written_region("--- # a\nproject: p\n") is None
    assert written_region("project: p\n---\nproject: q\n") is None
    assert written_region("project: p\n...\n") is None
    assert written_region("project: p") is None


def test_a_build_written_on_windows_is_written_back_with_its_line_breaks() -> None:
    after = {"status": "cleared", "created_at": None, "cleared_at": datetime(2026, 12, 7, 10, 0, tzinfo=UTC),
             "completed_at": None, "reservations": [], "shortages": [], "assemblies": []}  # fmt: skip
    head = "---\r\nproject: p\r\nversion: v1\r\nquantity: 3\r\n"
    expected = head + "status: cleared\r\ncleared_at: 2026-12-07T10:00:00Z\r\nreservations: []\r\nshortages: []\r\nassemblies: []\r\n"
    assert render_build(head, after) == render_build(head, after, fast=False) == expected


def test_a_draft_pyyaml_wrote_keeps_its_head_and_gets_its_tail() -> None:
    head = HEADS[5]
    moment = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    after = {"status": "cleared", "created_at": datetime(2026, 11, 1, 10, 0, tzinfo=UTC), "cleared_at": moment,
             "completed_at": None, "reservations": [], "shortages": [], "assemblies": []}  # fmt: skip
    assert render_build(head, after) == (
        "created_at: 2026-11-01T10:00:00Z\nfallbacks:\n  r1: r2\npriority: 0\nproject: p\nquantity: 3\n"
        "status: cleared\nversion: v1\ncleared_at: 2026-12-07T10:00:00Z\nreservations: []\nshortages: []\n"
        "assemblies: []\n"
    )  # the quoted creation time is a time now, as the round trip writes it; the other keys stay


def test_emit_leaves_anything_that_may_need_quotes_to_the_library() -> None:
    assert emit_written({"status": "draft", "reservations": []}) == "status: draft\nreservations: []\n"
    assert emit_written({"assemblies": [{"part": "0805", "quantity": Decimal(1)}]}) is None
    assert emit_written({"assemblies": [{"part": "true", "quantity": Decimal(1)}]}) is None


def test_ctb_writes_build_keys_in_the_models_order() -> None:
    assert tuple(field.alias or name for name, field in Build.model_fields.items()) == KEY_ORDER
    assert KEY_ORDER[-len(WRITTEN) :] == WRITTEN


def test_a_build_written_before_created_at_moved_is_put_in_order() -> None:
    moment = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    old = "project: p\nversion: v1\nquantity: 3\ncreated_at: 2026-11-01T10:00:00Z\nstatus: draft\nreservations: []\n"
    after = {"status": "cleared", "created_at": moment, "cleared_at": moment, "completed_at": None,
             "reservations": [], "shortages": [], "assemblies": []}  # fmt: skip
    expected = (
        "project: p\nversion: v1\nquantity: 3\nstatus: cleared\ncreated_at: 2026-11-01T10:00:00Z\n"
        "cleared_at: 2026-11-01T10:00:00Z\nreservations: []\nshortages: []\nassemblies: []\n"
    )
    assert render_build(old, after) == expected


def test_ids_that_start_with_a_digit_are_written_as_text_where_they_read_as_text() -> None:
    def fields(part: str) -> dict[str, Any]:
        take = [{"location": "a", "part": part, "quantity": Decimal(2)}]
        return {"status": "cleared", "reservations": [{"part": part, "quantity": Decimal(2), "lines": [1], "take": take}]}

    for part in ("2N3904", "10k", "595-TL074CDR", "1N4148W-7-F"):
        text = emit_written(fields(part))
        assert text is not None and f"  - part: {part}\n" in text
        assert load_fast(text.encode(), "builds/b.yaml")["reservations"][0]["part"] == part
    for part in ("0x1F", "1e-5", "0805", "0b1"):  # numbers: the round trip quotes them
        assert emit_written(fields(part)) is None
