"""``ctb check`` after build files were added: the last full answer stands when no check can say a thing of them.

A new build nothing refers to (the full answer names no unknown build), of
an id no other build's differs from only by case, that validates, holds
nothing, excludes no line, is of a version whose BOM file the full answer
says nothing of, and of which every check run on it alone says nothing:
every check says what it said, and the answer counts the new files
(``storage/unread/added.builds_added``).  A build of fields of a known shape
alone, as ``ctb build new`` writes it, is shown so without a model
(``storage/unread/added._build_written``).  A clear plans it.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from bench.gen import generate_mixed
from ctb_files.checks import run_checks
from ctb_files.cli import main
from ctb_files.storage.loader import load_repo
from tests.test_recheck import Tally, check, full_answer, shown_without_a_model, unchanged

QUIET = {
    "as-build-new-writes-it": "project: vco\nversion: v1\nquantity: 2\nstatus: draft\ncreated_at: 2026-12-07T09:00:00Z\n",
    "with-everything-a-person-writes": (
        "# for the shop\nproject: vco\nversion: v1\nquantity: 5\npriority: -2\ndue: 2027-01-15\n"
        "note: for the shop\nfallbacks: {r-10k: r-10k-vishay}\n"
    ),
    "cleared-with-nothing-held": "project: vco\nversion: v1\nquantity: 1\nstatus: cleared\n",
}


@pytest.fixture()
def repo(one_build_cleared: Path) -> Path:
    """The example with its build cleared (``tests/conftest.py``)."""
    return one_build_cleared


def add(root: Path, ident: str, text: str) -> Path:
    path = root / "builds" / f"{ident}.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", sorted(QUIET))
def test_a_new_build_no_check_can_mind_answers_from_the_last_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    first = check(repo, capsys)
    assert first == (0, "", "51 files checked: 0 errors, 0 warnings\n")
    kept = full_answer(repo)
    add(repo, "vco-batch-9", QUIET[name])
    assert unchanged(repo) == (52, [])
    assert shown_without_a_model(repo) == ("fallbacks" not in QUIET[name])  # fallbacks: validated
    now = check(repo, capsys)
    assert now == (0, "", "52 files checked: 0 errors, 0 warnings\n")
    assert full_answer(repo) == kept  # answered without a full check
    assert check(repo, capsys, "--no-cache") == now


def test_new_builds_and_parts_with_other_edits_answer_from_the_last_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    check(repo, capsys)
    kept = full_answer(repo)
    for i, text in enumerate(QUIET.values()):
        add(repo, f"new-{i}", text)
    (repo / "parts" / "r-220r.yaml").write_text("name: 220R\n")
    notes = repo / "builds/vco-batch-1.yaml"
    notes.write_text(notes.read_text().replace("note: Two for the meet table", "note: Two for the table"))
    assert unchanged(repo) == (55, [])
    assert (
        check(repo, capsys) == (0, "", "55 files checked: 0 errors, 0 warnings\n") == check(repo, capsys, "--no-cache")
    )
    assert full_answer(repo) == kept


@pytest.mark.parametrize(
    ("ident", "text", "said"),
    [
        ("vco-batch-9", "project: vco\nversion: v9\nquantity: 2\n", "CTB206"),
        ("vco-batch-9", "project: vcf\nversion: v1\nquantity: 2\n", "CTB205"),
        ("vco-batch-9", "project: vco\nversion: v1\nquantity: 2\nstatus: short\n", "CTB503"),
        ("vco-batch-9", "project: vco\nversion: v1\nquantity: 2\nfallbacks: {r-10k: r-10kk}\n", "CTB201"),
        ("vco-batch-9", "project: vco\nversion: v1\nquantity: 2\nexclude: [99]\n", "CTB210"),
        ("vco-batch-9", "project: vco\nversion: v1\nquantity: 2\nexclude: [3]\n", ""),  # excludes a line: in full
        ("VCO-BATCH-1", "project: vco\nversion: v1\nquantity: 2\n", "CTB214"),
        ("vco-batch-9", "project: vco\nversion: v1\nquantity: 0\n", "CTB104"),
        ("vco-batch-9", "project: vco\nversion: v1\nquantity: 2\ncolour: red\n", "CTB102"),
        (
            "vco-batch-9",
            "project: vco\nversion: v1\nquantity: 1\nstatus: cleared\nreservations:\n"
            "  - {part: r-10k, quantity: 2, lines: [16], take: [{location: drawer-a, part: r-10k, bin: A5, quantity: 2}]}\n",
            "CTB301",
        ),  # it holds what another build holds: the stock file's line is over-reserved
    ],
)
def test_a_new_build_a_check_may_mind_is_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str], ident: str, text: str, said: str
) -> None:
    check(repo, capsys)
    add(repo, ident, text)
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache")
    assert said in now[1] and (said == "") == (now[1] == ""), now


def test_a_new_build_an_order_was_for_is_checked_in_full(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An order line for a build not there yet: the build's file makes its CTB207 go."""
    order = repo / "orders/mouser-open.yaml"
    text = order.read_text()
    assert '    unit_price: "0.58"\n' in text
    order.write_text(text.replace('    unit_price: "0.58"\n', '    unit_price: "0.58"\n    for: {vco-batch-9: 4}\n', 1))
    first = check(repo, capsys)
    assert first[0] == 1 and "CTB207" in first[1]
    add(repo, "vco-batch-9", QUIET["as-build-new-writes-it"])
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache") and "CTB207" not in now[1]


def test_a_new_build_of_a_version_the_answer_names_is_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A BOM file of a version its project does not list (CTB206): a build of that version is told the same."""
    bom = repo / "projects/vco/bom/v1.yaml"
    (repo / "projects/vco/bom/v7.yaml").write_text(bom.read_text().replace("version: v1", "version: v7"))
    first = check(repo, capsys)
    assert first[1].startswith("projects/vco/bom/v7.yaml:") and "CTB206" in first[1]
    add(repo, "vco-batch-9", "project: vco\nversion: v7\nquantity: 2\n")
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache") and "builds/vco-batch-9.yaml:" in now[1]


def test_a_clear_after_a_build_came_plans_it(
    cleared_repo: Path, capsys: pytest.CaptureFixture[str], steady_clock: None
) -> None:
    from tests.test_recheck import clear, unchanged_clear

    clear(cleared_repo, capsys)
    add(cleared_repo, "vco-batch-9", QUIET["as-build-new-writes-it"])
    assert unchanged_clear(cleared_repo) is None
    twin = cleared_repo.parent / "twin"
    shutil.copytree(cleared_repo, twin)
    shutil.rmtree(twin / ".git/ctb", ignore_errors=True)
    planned = clear(cleared_repo, capsys, "--dry-run")
    assert planned == clear(twin, capsys, "--dry-run", "--no-cache") and "vco-batch-9" in planned[1] + planned[2]


@pytest.mark.parametrize("name", ["example", "mixed"])
def test_no_check_says_a_thing_of_a_new_build_it_was_shown_for(name: str, tmp_path: Path) -> None:
    """Every check, run on the whole inventory with the new builds, says word for word what it said without them."""
    if name == "example":
        root = tmp_path / "inv"
        shutil.copytree(Path(__file__).resolve().parent.parent / "example-inventory", root)
        texts = list(QUIET.values())
    else:
        root = generate_mixed(tmp_path / "mixed", parts=300, builds=12, projects=3, rows=30)
        build = sorted((root / "builds").iterdir())[0].read_text()
        head = "".join(line + "\n" for line in build.splitlines() if line.startswith(("project:", "version:")))
        texts = [head + "quantity: 2\n", head + "quantity: 7\nstatus: cleared\npriority: 3\n"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert main(["--repo", str(root), "build", "clear", "--all", "-q"]) in (0, 1)
    before = [d.render() for d in run_checks(load_repo(root, cache=False).inventory)]
    for i, text in enumerate(texts):
        add(root, f"zz-new-{i}", text)
    inv = load_repo(root, cache=False).inventory
    assert {f"zz-new-{i}" for i in range(len(texts))} <= inv.builds.keys()
    assert [d.render() for d in run_checks(inv)] == before


def test_new_builds_at_random_answer_as_a_full_check(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Whenever the light comparison answers after build files came, a full check says exactly that."""
    fields = [
        "priority: 2", "priority: x", "due: 2027-02-01", "due: soon", "status: draft", "status: cleared",
        "status: short", "status: completed", "status: lost", "exclude: []", "exclude: [2]", "exclude: [77]",
        "fallbacks: {}", "fallbacks: {r-1k: r-1k}", "fallbacks: {r-1k: nope}", "note: hi", "reservations: []",
        "shortages: []", "colour: red", "quantity: 0",
    ]  # fmt: skip
    rng = random.Random(8)
    tally = Tally()
    for turn in range(40):
        check(repo, capsys)
        made = []
        for j in range(rng.choice([1, 1, 2])):
            version = rng.choice(["v1", "v1", "v1", "v2"])
            lines = [f"project: {rng.choice(['vco', 'vco', 'vcf'])}", f"version: {version}", "quantity: 2"]
            lines += rng.sample(fields, rng.randint(0, 3))
            ident = rng.choice([f"zz-{turn}-{j}", f"zz-{turn}-{j}", "VCO-BATCH-1"])
            made.append(add(repo, ident, "\n".join(dict.fromkeys(lines)) + "\n"))
        tally.weigh(repo, capsys)
        for path in made:
            path.unlink(missing_ok=True)
    assert tally.counts == (6, 5, 34)  # five of the six without a model


def test_the_shapes_of_a_new_build_are_read_off_its_model() -> None:
    """Exactly these fields of a build take values of a known shape; its project and version are ids."""
    from ctb_files.core.unread import Shape, new_build_fields

    moment = Shape("datetime", required=False, nullable=True)
    assert new_build_fields() == {
        "quantity": Shape("count", required=True, nullable=False, least=1, below=10**15),
        "priority": Shape("int", required=False, nullable=False),
        "due": Shape("date", required=False, nullable=True),
        "note": Shape("str", required=False, nullable=True),
        "status": Shape("literal", False, False, choices=("draft", "short", "cleared", "completed")),
        "created_at": moment,
        "cleared_at": moment,
        "completed_at": moment,
    }  # exclude, fallbacks, reservations, shortages, assemblies: never shown without a model


@pytest.mark.parametrize(
    "text",
    [
        "project: vco\nversion: v1\nquantity: 2.5\n",  # a fraction: the model refuses it
        "project: vco\nversion: v1\nquantity: '2'\n",  # text: only the model can tell
        "project: vco\nversion: v1\nquantity: 2\npriority: high\n",
        "project: vco\nversion: v1\nquantity: 2\ndue: soon\n",
        "project: vco\nversion: v1\nquantity: 2\nstatus: done\n",
        "project: vco\nversion: v1\nquantity: 2\nexclude: []\n",  # empty, but a list: validated
        "project: Vco\nversion: v1\nquantity: 2\n",  # no such project (ids are exact)
        "project: vco\nversion: v1\n",  # no quantity
        "project: vco\nversion: 1\nquantity: 2\n",  # a number, not an id
    ],
)
def test_a_new_build_unlike_build_news_is_not_shown_without_a_model(
    repo: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    check(repo, capsys)
    add(repo, "vco-batch-9", text)
    assert not shown_without_a_model(repo)
    assert check(repo, capsys) == check(repo, capsys, "--no-cache")
