"""``ctb fmt``: canonical key order and indentation, comments kept, idempotent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctb_files.cli import main
from ctb_files.core.canonical import canonical_data, canonical_order, nested_model
from ctb_files.core.models import Build, Order, OrderLine, Part, Reservation, Take, VendorPart
from ctb_files.storage.fmt import format_bytes
from ctb_files.storage.yaml import YamlProblem, load_fast
from tests.conftest import commit_all, git, write_tree

SETTINGS = "ctb: 1\nname: Fmt Lab\n"

MESSY_PART = """\
# yaml-language-server: $schema=../.ctb/schemas/part.schema.json
# bought at the swap meet
vendor_parts:   # where to buy more
- sku: 603-MFR-25FBF52-10K   # reel ends
  vendor: mouser
  price_breaks:
  - {price: "0.10", quantity: 1}
  - {quantity: 100, price: "0.016"}

# the part's own fields
name: 10k resistor   # the name people search for
tags: [passive]
value: 10k
"""

TIDY_PART = """\
# yaml-language-server: $schema=../.ctb/schemas/part.schema.json
# bought at the swap meet
name: 10k resistor   # the name people search for
value: 10k
tags: [passive]
vendor_parts:   # where to buy more
  - vendor: mouser
    sku: 603-MFR-25FBF52-10K # reel ends
    price_breaks:
      - {quantity: 1, price: "0.10"}
      - {quantity: 100, price: "0.016"}
"""


def fmt(text: str, rel: str = "parts/r-10k.yaml") -> str:
    return format_bytes(text.encode(), rel).decode()


def test_order_and_indentation_fixed_comments_kept() -> None:
    out = fmt(MESSY_PART)
    # the heading comment moved with `name`, lost nothing else; the YAML library
    # re-spaces an end-of-line comment whose line got longer
    assert out == TIDY_PART.replace(
        "# bought at the swap meet\n", "# bought at the swap meet\n\n# the part's own fields\n", 1
    )
    assert fmt(out) == out
    assert load_fast(out.encode(), "x") == load_fast(MESSY_PART.encode(), "x")


def test_canonical_file_is_left_byte_for_byte() -> None:
    assert fmt(TIDY_PART) == TIDY_PART


def test_comment_heading_a_key_moves_with_it() -> None:
    text = (
        "name: r1\n\n# bag of 100 from Tayda\nvendor_parts:\n  - {vendor: tayda, sku: A-1}\n# searchable\ntags: [x]\n"
    )
    want = (
        "name: r1\n# searchable\ntags: [x]\n\n# bag of 100 from Tayda\nvendor_parts:\n  - {vendor: tayda, sku: A-1}\n"
    )
    assert fmt(text) == want


def test_unknown_keys_stay_after_the_known_ones() -> None:
    text = "colour: blue   # not a field\nname: r1\nzz: 2\nvalue: 1k\n"
    assert fmt(text) == "name: r1\nvalue: 1k\ncolour: blue   # not a field\nzz: 2\n"


def test_alias_for_is_ordered_as_its_field() -> None:
    text = "lines:\n  - for: {b1: 2}\n    quantity: 10\n    part: tl074\nvendor: mouser\n"
    assert (
        fmt(text, "orders/o1.yaml") == "vendor: mouser\nlines:\n  - part: tl074\n    quantity: 10\n    for: {b1: 2}\n"
    )


def test_free_form_mappings_keep_their_order() -> None:
    text = "project: vco\nversion: v1\nquantity: 1\nfallbacks: {z: a, b: c}\n"
    assert fmt(text, "builds/b1.yaml") == text
    bom = "project: vco\nversion: v1\nrows:\n  - {line: 1, quantity: 1, part: r1, ext: {zeta: 1, alpha: 2}}\n"
    assert fmt(bom, "projects/vco/bom/v1.yaml") == bom


def test_literal_block_lines_are_not_comments() -> None:
    text = "notes: |\n  keep dry\n  # not a comment\nname: r1\n"
    assert fmt(text) == "name: r1\nnotes: |\n  keep dry\n  # not a comment\n"


def test_nested_blocks_and_first_item_key() -> None:
    text = (
        "project: p\nversion: v\nquantity: 1\nstatus: cleared\nreservations:\n"
        "  - take:\n      - {quantity: 2, part: r1, location: a}\n"
        "    # the BOM lines\n    lines: [1]\n    quantity: 2\n    part: r1\n"
    )
    assert fmt(text, "builds/b1.yaml") == (
        "project: p\nversion: v\nquantity: 1\nstatus: cleared\nreservations:\n"
        "  - part: r1\n    quantity: 2\n    # the BOM lines\n    lines: [1]\n"
        "    take:\n      - {location: a, part: r1, quantity: 2}\n"
    )


def test_bad_files_raise_with_a_line() -> None:
    with pytest.raises(YamlProblem) as bad:
        fmt("name: [unclosed\n")
    assert bad.value.diagnostic.code == "CTB002"
    with pytest.raises(YamlProblem) as listed:
        fmt("- a\n- b\n")
    assert listed.value.diagnostic.code == "CTB101"


def test_canonical_helpers() -> None:
    assert canonical_order(Part, ["tags", "x", "name"]) == ["name", "tags", "x"]
    assert nested_model(Part, "vendor_parts") is VendorPart
    assert nested_model(Order, "lines") is OrderLine
    assert nested_model(Part, "tags") is None
    # a build's results are dataclasses, ordered by their fields all the same
    assert nested_model(Build, "reservations") is Reservation and nested_model(Reservation, "take") is Take
    assert canonical_order(Take, ["quantity", "bin", "x", "part", "location"]) == ["location", "part", "bin", "quantity", "x"]
    data = canonical_data(Order, {"lines": [{"for": {"b": 1}, "part": "p", "quantity": 1}], "vendor": "m"})
    assert list(data) == ["vendor", "lines"] and list(data["lines"][0]) == ["part", "quantity", "for"]


# --- the command ------------------------------------------------------------------------------


@pytest.fixture
def repo(git_repo: Path) -> Path:
    write_tree(
        git_repo, {"ctb.yaml": SETTINGS, "parts/r-10k.yaml": MESSY_PART, "parts/r-1k.yaml": "name: 1k\nvalue: 1k\n"}
    )
    commit_all(git_repo, "start")
    return git_repo


def test_check_lists_and_exits_1_writing_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", "--check", "--repo", str(repo)]) == 1
    out = capsys.readouterr()
    assert out.out == "Would fix parts/r-10k.yaml\n"
    assert "3 files checked: 1 would change, 0 errors" in out.err
    assert (repo / "parts/r-10k.yaml").read_text() == MESSY_PART


def test_fmt_fixes_then_check_passes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", "--repo", str(repo)]) == 0
    assert capsys.readouterr().out == "Fixing parts/r-10k.yaml\n"
    fixed = (repo / "parts/r-10k.yaml").read_text()
    assert fixed.startswith("# yaml-language-server:") and "# reel ends" in fixed
    assert main(["fmt", "--repo", str(repo)]) == 0
    assert capsys.readouterr().out == ""
    assert main(["fmt", "--check", "--repo", str(repo)]) == 0
    assert (repo / "parts/r-10k.yaml").read_text() == fixed


def test_unparseable_file_is_reported_and_left_alone(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "parts/bad.yaml").write_text("name: [oops\n")
    assert main(["fmt", "--repo", str(repo)]) == 1
    out = capsys.readouterr()
    assert "parts/bad.yaml:2:1: CTB002" in out.err
    assert out.out == "Fixing parts/r-10k.yaml\n"  # the others are still formatted
    assert (repo / "parts/bad.yaml").read_text() == "name: [oops\n"


def test_file_with_schema_errors_is_not_rewritten(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "parts/odd.yaml").write_text("colour: red\nname: odd\n")
    assert main(["fmt", str(repo / "parts/odd.yaml"), "--repo", str(repo)]) == 1
    assert "parts/odd.yaml:1:1: CTB011" in capsys.readouterr().err
    assert (repo / "parts/odd.yaml").read_text() == "colour: red\nname: odd\n"


# a comment line above the first item, a commented one-line item, then a block item: ruamel 0.18
# writes "- part: r2 quantity: 5" for the last one unless the comment is held by the first item
COMMENTED_STOCK = "lines:\n  # resistors\n  - {part: r1, quantity: 10}   # top shelf\n  - part: r2\n    quantity: 5\n"


def test_a_valid_file_the_writer_cannot_rewrite_is_never_a_syntax_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"parts/r1.yaml": "name: r1\n", "parts/r2.yaml": "name: r2\n", "stock/a.yaml": COMMENTED_STOCK})
    assert main(["fmt", "--check", "--repo", str(repo), str(repo / "stock")]) == 0
    err = capsys.readouterr().err
    assert "CTB002" not in err and "0 errors" in err
    assert (repo / "stock/a.yaml").read_text() == COMMENTED_STOCK


def test_output_the_writer_gets_wrong_is_a_warning_and_left_alone(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ctb_files.storage.fmt.dump", lambda doc: "lines:\n  - part: r2 quantity: 5\n")
    assert main(["fmt", "--check", "--repo", str(repo), str(repo / "parts/r-1k.yaml")]) == 0
    assert capsys.readouterr().err == (
        "parts/r-1k.yaml:1:1: CTB012 not formatted: the YAML writer would not write it back as valid YAML;"
        " left as is (warning)\n1 files checked: 0 would change, 0 errors\n"
    )


def test_paths_limit_the_files(repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "parts/r-1k.yaml").write_text("value: 1k\nname: 1k\n")
    monkeypatch.chdir(repo / "parts")
    assert main(["fmt", "r-1k.yaml"]) == 0
    assert capsys.readouterr().out == "Fixing parts/r-1k.yaml\n"
    assert (repo / "parts/r-10k.yaml").read_text() == MESSY_PART


def test_dry_run_prints_a_diff_and_commit_commits(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", "--dry-run", "--repo", str(repo)]) == 0
    diff = capsys.readouterr().out
    assert diff.startswith("--- a/parts/r-10k.yaml\n+++ b/parts/r-10k.yaml\n") and "+  - vendor: mouser\n" in diff
    assert (repo / "parts/r-10k.yaml").read_text() == MESSY_PART
    assert main(["fmt", "--commit", "--repo", str(repo)]) == 0
    assert git(repo, "log", "-1", "--format=%s").strip() == "ctb: fmt"
    assert git(repo, "status", "--porcelain") == ""


# --- properties -------------------------------------------------------------------------------

FIELDS = {
    "name": "a part", "description": "text", "value": "10k", "symbol": "R", "package": "r-0805",
    "unit": "pcs", "tags": "[a, b]", "equivalents": "[r2]", "notes": "keep dry", "zz_extra": "1",
}  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(
    order=st.permutations(list(FIELDS)),
    heads=st.lists(st.sampled_from(["", "comment", "gap"]), min_size=10, max_size=10),
    eols=st.lists(st.booleans(), min_size=10, max_size=10),
)
def test_any_key_order_formats_canonically_and_stably(order: list[str], heads: list[str], eols: list[bool]) -> None:
    lines: list[str] = []
    for index, (key, head, eol) in enumerate(zip(order, heads, eols, strict=False)):
        if index and head:
            lines += ([""] if head == "gap" else []) + [f"# about {key}"]
        lines.append(f"{key}: {FIELDS[key]}" + (f"  # eol {key}" if eol else ""))
    text = "\n".join(lines) + "\n"
    out = fmt(text)
    assert fmt(out) == out
    assert load_fast(out.encode(), "x") == load_fast(text.encode(), "x")
    got = out.splitlines()
    keys = [line.split(":")[0] for line in got if line and not line.startswith("#")]
    assert keys == canonical_order(Part, order)
    for index, (key, head, eol) in enumerate(zip(order, heads, eols, strict=False)):
        at = next(i for i, line in enumerate(got) if line.startswith(f"{key}:"))
        assert got[at].endswith(f"  # eol {key}") == eol
        if index and head:
            assert got[at - 1] == f"# about {key}"


def test_the_commented_mix_round_trips_and_takes_edits(git_repo: Path) -> None:
    from ctb_files.storage.changes import ChangeSet
    from ctb_files.storage.yaml import dump, load_roundtrip

    assert dump(load_roundtrip(COMMENTED_STOCK)) == COMMENTED_STOCK
    write_tree(git_repo, {"ctb.yaml": SETTINGS, "stock/a.yaml": COMMENTED_STOCK})
    changes = ChangeSet(git_repo)
    changes.edit("stock/a.yaml")["lines"][1]["quantity"] = 8
    assert changes.apply() == ["stock/a.yaml"]
    assert (git_repo / "stock/a.yaml").read_text() == COMMENTED_STOCK.replace("quantity: 5", "quantity: 8")


def test_crlf_line_endings_become_lf_everywhere_even_after_comments() -> None:
    data = b"name: x  # kept\r\nunit: pcs\r\n# trailing note\r\n"
    out = format_bytes(data, "parts/x.yaml")
    assert out == b"name: x  # kept\nunit: pcs\n# trailing note\n"
    assert format_bytes(out, "parts/x.yaml") == out


def test_an_unreadable_file_is_reported_and_the_rest_formatted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"ctb.yaml": SETTINGS, "parts/a.yaml": "unit: pcs\nname: A\n"})
    (tmp_path / "parts" / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    assert main(["fmt", "--check", str(tmp_path / "parts"), "--repo", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "parts/gone.yaml:1:1: CTB001 cannot read the file: No such file or directory" in captured.err
    assert captured.out == "Would fix parts/a.yaml\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_like_a_file_is_reported_not_waited_on(tmp_path: Path) -> None:
    write_tree(tmp_path, {"ctb.yaml": SETTINGS, "parts/a.yaml": "unit: pcs\nname: A\n"})
    os.mkfifo(tmp_path / "parts" / "pipe.yaml")  # reading it would wait for a writer for ever
    done = subprocess.run(
        [sys.executable, "-m", "ctb_files", "--repo", str(tmp_path), "fmt", "--check", str(tmp_path / "parts")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "parts/pipe.yaml:1:1: CTB001 cannot read the file: not a regular file" in done.stderr
    assert done.stdout == "Would fix parts/a.yaml\n"


def test_tabs_before_a_comment_become_spaces() -> None:
    data = b"unit: pcs\t# tab before comment\nname: a\n#\tcomment with a tab\n"
    assert load_fast(data, "parts/x.yaml") == {"unit": "pcs", "name": "a"}
    out = format_bytes(data, "parts/x.yaml")
    assert out == b"name: a\nunit: pcs  # tab before comment\n#\tcomment with a tab\n"
    assert format_bytes(out, "parts/x.yaml") == out


def test_a_tab_and_hash_inside_a_quoted_name_are_data() -> None:
    data = b'unit: pcs\nname: "a\\t#b"\n'
    assert format_bytes(data, "parts/x.yaml") == b'name: "a\\t#b"\nunit: pcs\n'
