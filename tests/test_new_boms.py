"""``ctb check`` after a sync wrote a new BOM file, or a version was listed to sync: the last full answer stands.

A new BOM file of a version its project lists, of a known project the full
answer says nothing of, named as its data say, with a source of known
fields and rows as a sync writes them, leaves every check as it was, one
file more (``storage/unread/rows.boms_added``).  So does a version appended to a
project's list (``storage/unread/rows.versions_added``).  Both without a model.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from ctb_files.cli import main
from tests.conftest import commit_all
from tests.test_recheck import Tally, check, full_answer, shown_without_a_model, unchanged
from tests.test_sync_git import cache, hw, inv  # noqa: F401 - fixtures: an inventory syncing from a git repository

V1 = "projects/vco/bom/v1.yaml"


def sync(root: Path, capsys: pytest.CaptureFixture[str], *versions: str) -> None:
    assert main(["--repo", str(root), "project", "sync", "vco", *(f"--version={v}" for v in versions), "-q"]) == 0
    capsys.readouterr()


@pytest.fixture()
def synced(
    inv: Path,  # noqa: F811
    hw: dict[str, str],  # noqa: F811
    cache: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """The sync test's inventory (versions v1 and v2 listed, no BOM file yet) after a full check."""
    monkeypatch.delenv("CTB_CACHE_TEST", raising=False)  # these tests look at the stored answers themselves
    first = check(inv, capsys)
    assert first[0] == 0 and "0 errors, 0 warnings" in first[2], first
    return inv


def test_a_synced_version_answers_from_the_last_full_check(synced: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = check(synced, capsys)
    count = int(before[2].split()[0])
    kept = full_answer(synced)
    sync(synced, capsys, "v1")
    assert (synced / V1).exists() and "source:" in (synced / V1).read_text()
    placeholders = sorted(path.name for path in (synced / "parts").iterdir() if "mouser-" in path.name)
    assert placeholders == ["mouser-595-TL074CDR.yaml"]  # the sync made a part for a row it could not match
    assert unchanged(synced) == (count + 2, [])
    assert shown_without_a_model(synced)
    assert (
        check(synced, capsys)
        == check(synced, capsys, "--no-cache")
        == (0, "", before[2].replace(str(count), str(count + 2)))
    )
    assert full_answer(synced) == kept
    sync(synced, capsys, "v2")  # weighed against the same full check: two BOM files new
    assert unchanged(synced) == (count + 3, []) and shown_without_a_model(synced)


def test_a_version_listed_then_synced_answers_from_the_last_full_check(
    synced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = synced / "projects/vco/project.yaml"
    count = int(check(synced, capsys)[2].split()[0])
    project.write_text(project.read_text() + "  - {name: v3, ref: main, note: the documented one}\n")
    assert unchanged(synced) == (count, []) and shown_without_a_model(synced)
    sync(synced, capsys, "v3")
    assert unchanged(synced) == (count + 2, []) and shown_without_a_model(synced)  # the BOM and a placeholder
    assert check(synced, capsys) == check(synced, capsys, "--no-cache")


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        ("version: v1\n", "CTB209"),  # the data name another version than the file's
        ("part: unknown-part", "CTB201"),
        ("line: 1,", "CTB212"),  # two rows with line 2
        ("source-key", "CTB10"),  # a source of a field no source has
    ],
)
def test_new_boms_a_check_may_mind_are_checked_in_full(
    synced: Path, capsys: pytest.CaptureFixture[str], edit: str, said: str
) -> None:
    sync(synced, capsys, "v2")
    path = synced / "projects/vco/bom/v2.yaml"
    text = path.read_text()
    if edit == "version: v1\n":
        text = text.replace("version: v2\n", edit)
    elif edit == "part: unknown-part":
        text = text.replace("part: r-0805-4k7\n", "part: unknown-part\n", 1)
    elif edit == "line: 1,":
        text = text.replace("  - line: 3\n", "  - line: 2\n", 1)
    else:
        text = text.replace("source:\n", "source:\n  colour: red\n", 1)
    assert text != path.read_text()
    path.write_text(text)
    assert unchanged(synced) is None
    now = check(synced, capsys)
    assert now == check(synced, capsys, "--no-cache") and said in now[1], now


def test_a_bom_of_a_version_not_listed_is_checked_in_full(synced: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sync(synced, capsys, "v1")
    shutil.copy(synced / V1, synced / "projects/vco/bom/v9.yaml")
    text = (synced / "projects/vco/bom/v9.yaml").read_text().replace("version: v1\n", "version: v9\n")
    (synced / "projects/vco/bom/v9.yaml").write_text(text)
    assert unchanged(synced) is None
    now = check(synced, capsys)
    assert now == check(synced, capsys, "--no-cache") and "CTB206" in now[1]


def test_a_bom_differing_from_a_version_only_by_case_is_checked_in_full(
    synced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sync(synced, capsys, "v1")
    commit_all(synced, "v1 synced")
    check(synced, capsys)
    project = synced / "projects/vco/project.yaml"
    project.write_text(project.read_text() + "  - {name: V1}\n")
    text = (synced / V1).read_text().replace("version: v1\n", "version: V1\n")
    (synced / "projects/vco/bom/V1.yaml").write_text(text)
    assert unchanged(synced) is None
    now = check(synced, capsys)
    assert now == check(synced, capsys, "--no-cache") and "CTB214" in now[1]


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        ("  - {name: v1}\n", "CTB213"),  # listed twice
        ("  - {name: v3, colour: red}\n", "CTB10"),
        ("  - {name: 'v 3'}\n", "CTB10"),
        ("  - {name: v3, ref: 3}\n", "CTB10"),
    ],
)
def test_versions_a_check_may_mind_are_checked_in_full(
    synced: Path, capsys: pytest.CaptureFixture[str], entry: str, said: str
) -> None:
    project = synced / "projects/vco/project.yaml"
    project.write_text(project.read_text() + entry)
    assert unchanged(synced) is None
    now = check(synced, capsys)
    assert now == check(synced, capsys, "--no-cache") and said in now[1], now


def test_a_version_taken_off_the_list_is_checked_in_full(synced: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sync(synced, capsys, "v2")
    commit_all(synced, "v2 synced")
    check(synced, capsys)
    project = synced / "projects/vco/project.yaml"
    project.write_text(project.read_text().replace("  - {name: v2, ref: dev}\n", ""))
    assert unchanged(synced) is None
    now = check(synced, capsys)
    assert now == check(synced, capsys, "--no-cache") and "CTB206" in now[1]


def test_new_boms_at_random_answer_as_a_full_check(synced: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Whenever the light comparison answers after BOM files came, a full check says exactly that."""
    sync(synced, capsys, "v1")
    rows = (synced / V1).read_text()
    (synced / V1).unlink()
    rng = random.Random(2)
    tally = Tally()
    for _ in range(30):
        check(synced, capsys)
        version = rng.choice(["v1", "v1", "v2", "v7"])
        text = rows.replace("version: v1\n", f"version: {version}\n")
        for _ in range(rng.randint(0, 2)):
            text = rng.choice([
                lambda t: t.replace("  - line: 3\n", "  - line: 4\n", 1),
                lambda t: t.replace("part: r-0805-4k7\n", "part: r-0805-10k-yageo\n", 1),
                lambda t: t.replace("part: r-0805-4k7\n", "part: nope\n", 1),
                lambda t: t.replace("quantity: 2\n", "quantity: 1.5\n", 1),
                lambda t: t.replace("substitute: null\n", "unit: m\n", 1),
                lambda t: t.replace("ext: {}\n", "ext: {colour: red}\n", 1),
                lambda t: t.replace("source:\n", "source:\n  note: x\n", 1),
            ])(text)  # fmt: skip
        path = synced / "projects/vco/bom" / f"{version}.yaml"
        path.write_text(text)
        tally.weigh(synced, capsys)
        path.unlink()
    assert tally.counts == (5, 5, 25)  # each light answer without a model
