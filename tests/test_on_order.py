"""On-order visibility: ``order place --expected``, ``on_order`` in build files, build show and review."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.storage.loader import load_repo
from tests.conftest import commit_all, git, write_tree
from tests.test_build_cli import world

OPEN = "vendor: v\nstatus: open\nlines:\n  - {part: r1, quantity: 10, for: {b1: 2}}\n"


def ctb(root: Path, *args: str) -> int:
    return main(["--repo", str(root), *args])


def test_place_with_expected_then_clear_writes_on_order_and_stays_short(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 3 units × 2 = 6 needed, 4 on hand: short 2; an order of 10 brings 2 for b1
    world(tmp_path, on_hand=4, **{"vendors/v.yaml": "name: V\n", "orders/v-1.yaml": OPEN})
    assert ctb(tmp_path, "order", "place", "v-1", "--expected", "2026-12-04") == 0
    text = (tmp_path / "orders/v-1.yaml").read_text()
    assert "status: placed\n" in text and "expected: 2026-12-04\n" in text
    assert load_repo(tmp_path).inventory.orders["v-1"].expected is not None
    assert ctb(tmp_path, "build", "clear", "b1") == 0
    build_text = (tmp_path / "builds/b1.yaml").read_text()
    assert "status: short\n" in build_text
    assert "  - {part: r1, quantity: 2, lines: [1], on_order: 2}\n" in build_text
    first = build_text
    assert ctb(tmp_path, "build", "clear", "b1") == 0
    assert (tmp_path / "builds/b1.yaml").read_text() == first  # idempotent with on_order
    capsys.readouterr()
    assert ctb(tmp_path, "build", "show", "b1") == 0
    out = capsys.readouterr().out
    assert "v-1 (placed, 2, expected 2026-12-04)" in out
    assert ctb(tmp_path, "order", "show", "v-1") == 0
    assert capsys.readouterr().out.startswith("v-1: v, placed; placed ")
    assert ctb(tmp_path, "order", "show", "v-1") == 0
    assert "; expected 2026-12-04\n" in capsys.readouterr().out


def test_bad_expected_date_is_refused_and_nothing_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path, on_hand=4, **{"vendors/v.yaml": "name: V\n", "orders/v-1.yaml": OPEN})
    assert ctb(tmp_path, "order", "place", "v-1", "--expected", "soon") == 2
    assert (tmp_path / "orders/v-1.yaml").read_text() == OPEN


def test_review_shows_the_order_covering_a_shortage(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(git_repo, on_hand=4, **{"vendors/v.yaml": "name: V\n"})
    commit_all(git_repo, "base")
    base = git(git_repo, "rev-parse", "HEAD").strip()
    assert ctb(git_repo, "build", "clear", "b1") == 0
    write_tree(git_repo, {"orders/v-1.yaml": OPEN.replace("status: open", "status: placed\nexpected: 2026-12-04")})
    commit_all(git_repo, "clear and order")
    capsys.readouterr()
    assert ctb(git_repo, "review", base, "HEAD") == 0
    out = capsys.readouterr().out
    assert "| Part | Short | On order |" in out
    assert "| r1 | 0 → 2 (+2) | v-1 (placed, 10, expected 2026-12-04) |" in out


def test_clear_all_reads_the_orders_once_for_every_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What orders bring is worked out in one pass, not once per build (orders × builds)."""
    import ctb_files.ops.orders.shortages as shortages

    builds = {f"builds/b{n}.yaml": "project: p\nversion: v1\nquantity: 3\n" for n in range(1, 5)}
    orders = "vendor: v\nstatus: placed\nlines:\n  - {part: r1, quantity: 10, for: {b1: 2, b3: 1, b4: 6}}\n"
    world(tmp_path, on_hand=4, **{"vendors/v.yaml": "name: V\n", "orders/v-1.yaml": orders, **builds})
    calls: list[int] = []
    real = shortages.on_order_for

    def counted(inv: object) -> object:
        calls.append(1)
        return real(inv)  # type: ignore[arg-type]

    monkeypatch.setattr(shortages, "on_order_for", counted)
    assert ctb(tmp_path, "build", "clear", "--all") == 0
    assert calls == [1]
    # each build needs 6 and 4 are on hand: nothing reserved (whole or nothing), short 6 - 4 = 2;
    # what is on order for a build is capped at its shortage
    texts = {n: (tmp_path / f"builds/b{n}.yaml").read_text() for n in range(1, 5)}
    assert "  - {part: r1, quantity: 2, lines: [1], on_order: 2}\n" in texts[1]
    assert "  - {part: r1, quantity: 2, lines: [1]}\n" in texts[2]
    assert "  - {part: r1, quantity: 2, lines: [1], on_order: 1}\n" in texts[3]
    assert "  - {part: r1, quantity: 2, lines: [1], on_order: 2}\n" in texts[4]
