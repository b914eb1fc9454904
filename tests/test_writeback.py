"""Write-back: comments and untouched bytes kept, all or nothing, one writer at a time."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctb_files.errors import CtbError
from ctb_files.storage import journal as journal_mod
from ctb_files.storage.changes import ChangeSet, repo_lock
from ctb_files.storage.yaml import (
    dump,
    load_fast,
    load_roundtrip,
    merge_into,
    new_document,
)
from tests.conftest import write_tree

BUILD = """\
# build for the spring batch
project: vco   # the eurorack VCO
version: v2
quantity: 3
exclude: [41]   # leave the second jack off
"""


def test_merge_keeps_comments_and_untouched_lines() -> None:
    doc = load_roundtrip(BUILD)
    merge_into(
        doc,
        {
            "project": "vco",
            "version": "v2",
            "quantity": Decimal(3),
            "exclude": [41],
            "status": "cleared",
            "reservations": [
                {
                    "part": "r1",
                    "quantity": Decimal(6),
                    "lines": [1, 2],
                    "take": [{"location": "a", "part": "r1", "quantity": Decimal(6)}],
                }
            ],
        },
    )
    text = dump(doc)
    assert text.startswith(BUILD)
    assert text[len(BUILD) :] == (
        "status: cleared\n"
        "reservations:\n"
        "  - part: r1\n"
        "    quantity: 6\n"
        "    lines: [1, 2]\n"
        "    take:\n"
        "      - {location: a, part: r1, quantity: 6}\n"
    )


def test_merge_with_equal_values_changes_no_byte() -> None:
    text = "a: 1.50  # price\nb: [1, 2]\nc:\n  x: 2026-11-20T10:00:00Z\n"
    doc = load_roundtrip(text)
    merge_into(doc, load_fast(text.encode(), "x"))
    assert dump(doc) == text


def test_new_document_quotes_strings_that_look_like_numbers() -> None:
    text = new_document({"name": "0805", "value": "10K", "price": "0.45", "flag": "yes", "n": Decimal("0.5")})
    assert text == 'name: "0805"\nvalue: 10K\nprice: "0.45"\nflag: "yes"\nn: 0.5\n'
    assert load_fast(text.encode(), "x")["name"] == "0805"


@given(
    st.dictionaries(
        st.text(alphabet="abcdefghij_", min_size=1, max_size=8),
        st.one_of(
            st.text(max_size=12),
            st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**6), max_value=10**6),
            st.integers(-1000, 1000),
            st.booleans(),
            st.lists(st.integers(0, 99), max_size=4),
        ),
        max_size=6,
    )
)
def test_yaml_round_trip_preserves_data(data: dict[str, object]) -> None:
    text = new_document(data)
    back = load_fast(text.encode(), "x") or {}
    assert back == data


def test_changeset_writes_all_files_or_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"ctb.yaml": "ctb: 1\n", "stock/a.yaml": "lines: []\n"})
    cs = ChangeSet(tmp_path)
    cs.write_text("stock/a.yaml", "lines:\n  - {part: r1, quantity: 5}\n")
    cs.write_text("stock/b.yaml", "lines:\n  - {part: r1, quantity: 7}\n")
    real_replace = journal_mod.os.replace
    calls = []

    def failing_replace(src: str, dst: object) -> None:
        if "stock" in str(dst):  # the second rename into place fails (the journal's own renames do not)
            calls.append(dst)
            if len(calls) == 2:
                raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(journal_mod.os, "replace", failing_replace)
    with pytest.raises(OSError):
        cs.apply()
    assert (tmp_path / "stock/a.yaml").read_text() == "lines: []\n"
    assert not (tmp_path / "stock/b.yaml").exists()
    assert sorted(p.name for p in (tmp_path / "stock").iterdir()) == ["a.yaml"]


def test_many_files_are_written_by_several_threads_all_or_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # from PARALLEL_WRITES files on the temporary files are written and fsynced by several threads
    count = journal_mod.PARALLEL_WRITES + 8
    write_tree(tmp_path, {"ctb.yaml": "ctb: 1\n", **{f"stock/s{i:02d}.yaml": "lines: []\n" for i in range(count)}})
    (tmp_path / "stock/s00.yaml").chmod(0o640)
    new = {f"stock/s{i:02d}.yaml": f"lines:\n  - {{part: r{i}, quantity: {i + 1}}}\n" for i in range(count)}
    new["stock/extra.yaml"] = "lines:\n  - {part: r1, quantity: 1}\n"
    # one fsync fails half way: nothing changes and no temporary file is left
    real_fsync = journal_mod.os.fsync
    calls: list[int] = []

    def failing_fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == count // 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(journal_mod.os, "fsync", failing_fsync)
    cs = ChangeSet(tmp_path)
    for rel, text in new.items():
        cs.write_text(rel, text)
    with pytest.raises(OSError, match="No space left"):
        cs.apply()
    assert sorted(p.name for p in (tmp_path / "stock").iterdir()) == [f"s{i:02d}.yaml" for i in range(count)]
    assert all((tmp_path / f"stock/s{i:02d}.yaml").read_text() == "lines: []\n" for i in range(count))
    assert not journal_mod.journal_path(tmp_path).exists()
    # and when every fsync works, every file holds its new text and keeps its mode
    monkeypatch.setattr(journal_mod.os, "fsync", real_fsync)
    cs = ChangeSet(tmp_path)
    for rel, text in new.items():
        cs.write_text(rel, text)
    assert len(cs.apply()) == count + 1
    written = {rel: (tmp_path / rel).read_text() for rel in new}
    # a new file also gets the schema hint on its first line
    assert written.pop("stock/extra.yaml").endswith("\n" + new.pop("stock/extra.yaml"))
    assert written == new
    assert (tmp_path / "stock/s00.yaml").stat().st_mode & 0o777 == 0o640
    assert len(list((tmp_path / "stock").iterdir())) == count + 1


def test_changeset_refuses_an_invalid_result(tmp_path: Path) -> None:
    write_tree(tmp_path, {"ctb.yaml": "ctb: 1\n", "stock/a.yaml": "lines: []\n"})
    cs = ChangeSet(tmp_path)
    cs.write_text("stock/a.yaml", "lines:\n  - {part: r1, quantity: -5}\n")
    with pytest.raises(CtbError, match="refusing to write stock/a.yaml"):
        cs.apply()
    assert (tmp_path / "stock/a.yaml").read_text() == "lines: []\n"


def test_dry_run_diff_and_no_write(tmp_path: Path) -> None:
    write_tree(tmp_path, {"ctb.yaml": "ctb: 1\n", "stock/a.yaml": "lines: []\n"})
    cs = ChangeSet(tmp_path)
    cs.write_text("stock/a.yaml", "lines: [{part: r1, quantity: 5}]\n")
    assert cs.diff() == (
        "--- a/stock/a.yaml\n+++ b/stock/a.yaml\n@@ -1 +1 @@\n-lines: []\n+lines: [{part: r1, quantity: 5}]\n"
    )
    assert cs.apply(dry_run=True) == ["stock/a.yaml"]
    assert (tmp_path / "stock/a.yaml").read_text() == "lines: []\n"


def test_second_writer_is_refused(tmp_path: Path) -> None:
    write_tree(tmp_path, {"ctb.yaml": "ctb: 1\n"})
    with repo_lock(tmp_path), pytest.raises(CtbError, match="another ctb process is writing"):
        with repo_lock(tmp_path, timeout=0):
            pass


def test_written_files_keep_their_mode_and_new_ones_follow_the_umask(tmp_path: Path) -> None:
    import os
    import stat

    write_tree(tmp_path, {"ctb.yaml": "ctb: 1\n", "stock/a.yaml": "lines: []\n"})
    os.chmod(tmp_path / "stock/a.yaml", 0o640)
    old_umask = os.umask(0o022)
    try:
        cs = ChangeSet(tmp_path)
        cs.write_text("stock/a.yaml", "lines:\n  - {part: r1, quantity: 5}\n")
        cs.write_text("stock/b.yaml", "lines:\n  - {part: r1, quantity: 7}\n")
        cs.apply()
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tmp_path / "stock/a.yaml").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "stock/b.yaml").stat().st_mode) == 0o644


def test_a_key_added_to_a_list_item_goes_above_the_comment_that_ends_the_list() -> None:
    text = 'lines:\n  - part: a\n    price: "0.58"  # each\n# mine: never changed by ctb\n'
    doc = load_roundtrip(text)
    merge_into(doc["lines"][0], {"part": "a", "price": "0.58", "received": 10})
    assert (
        dump(doc) == 'lines:\n  - part: a\n    price: "0.58"  # each\n    received: 10\n# mine: never changed by ctb\n'
    )
    top = load_roundtrip("note: keep me\n# ctb writes below\n")
    merge_into(top, {"note": "keep me", "status": "draft"})
    assert dump(top) == "note: keep me\n# ctb writes below\nstatus: draft\n"


def test_the_lock_lives_in_the_git_directory_above_an_inventory_subfolder(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    inventory = tmp_path / "hardware" / "inv"
    inventory.mkdir(parents=True)
    assert journal_mod.lock_path(inventory) == tmp_path / ".git" / "ctb.lock"
    with repo_lock(inventory):
        assert not (inventory / ".ctb.lock").exists()
    alone = tmp_path.parent / f"{tmp_path.name}-alone"
    alone.mkdir()
    assert journal_mod.lock_path(alone) == alone / ".ctb.lock"


def test_editing_a_file_of_only_comments_keeps_them(tmp_path: Path) -> None:
    write_tree(tmp_path, {"ctb.yaml": "ctb: 1\n", "stock/x.yaml": "# bench drawer\n# second line\n"})
    cs = ChangeSet(tmp_path)
    merge_into(cs.edit("stock/x.yaml"), {"lines": [{"part": "r1", "quantity": Decimal(1)}]})
    cs.apply()
    assert (
        tmp_path / "stock/x.yaml"
    ).read_text() == "# bench drawer\n# second line\nlines:\n  - {part: r1, quantity: 1}\n"


def test_a_read_only_command_never_loads_the_lock_library(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    example = Path(__file__).resolve().parent.parent / "example-inventory"
    root = tmp_path / "inv"
    shutil.copytree(example, root)
    code = (
        "import sys; from ctb_files.cli import main; status = main(['--repo', sys.argv[1], 'build', 'list']);"
        "print(status, 'filelock' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "0 False"
    # a journal left by a killed writer is still dealt with under the lock first
    journal_mod.journal_path(root).write_text("not a journal\n")
    done = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "1 True"
    assert "an interrupted write cannot be completed" in done.stderr and "Traceback" not in done.stderr


def test_one_decimal_or_time_in_several_places_is_written_out_each_time() -> None:
    """Loaded quantities share one Decimal per value, and one ``now`` may stamp two keys: the writer
    never turns them into anchors and aliases (``&id001 2`` ... ``*id001``)."""
    from datetime import UTC, date, datetime

    two = Decimal(2)
    now = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    day = date(2026, 12, 24)
    data = {"due": day, "next": day, "cleared_at": now, "completed_at": now,
            "lines": [{"part": "r1", "quantity": two}, {"part": "r2", "quantity": two}]}  # fmt: skip
    assert new_document(data) == (
        "due: 2026-12-24\nnext: 2026-12-24\ncleared_at: 2026-12-06T03:00:00Z\ncompleted_at: 2026-12-06T03:00:00Z\n"
        "lines:\n  - {part: r1, quantity: 2}\n  - {part: r2, quantity: 2}\n"
    )
    doc = load_roundtrip("lines:\n  - {part: r1, quantity: 5}  # kept\n  - {part: r2, quantity: 6}\n")
    merge_into(doc, {"lines": [{"part": "r1", "quantity": two}, {"part": "r2", "quantity": two}], "at": now})
    assert dump(doc) == (
        "lines:\n  - {part: r1, quantity: 2}  # kept\n  - {part: r2, quantity: 2}\nat: 2026-12-06T03:00:00Z\n"
    )
