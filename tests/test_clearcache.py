"""The stored answer of ``ctb build clear`` in .git/ctb/clear: the same output and files, from one read."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.storage import clearcache, journal, tree

EXAMPLE = Path(__file__).resolve().parent.parent / "example-inventory"
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CTB_CACHE_TEST", raising=False)  # these tests look at the cache itself
    root = tmp_path / "inv"
    shutil.copytree(EXAMPLE, root)
    shutil.copy(EXAMPLE / "builds/vco-batch-1.yaml", root / "builds/vco-batch-2.yaml")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert main(["--repo", str(root), "build", "clear", "--all", "-q", "--no-cache"]) == 0  # the cold clear writes
    subprocess.run([*GIT, "-C", str(root), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(root), "commit", "-qm", "cleared"], check=True)
    return root


def clear(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    status = main(["--repo", str(root), "build", "clear", *extra])
    out = capsys.readouterr()
    return status, out.out, out.err


def files(root: Path) -> dict[str, bytes]:
    return dict(tree.read_tree(root))


def timeless(found: dict[str, bytes]) -> dict[str, bytes]:
    """The files with the clearing time blanked: two clears a second apart write different seconds."""
    return {rel: re.sub(rb"cleared_at: [^\n]*", b"cleared_at: -", data) for rel, data in found.items()}


def test_a_clear_with_nothing_to_change_answers_from_the_stored_answer(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = files(repo)
    plain = clear(repo, capsys, "--all", "--no-cache")
    assert not (repo / ".git/ctb/clear").exists()
    first = clear(repo, capsys, "--all")
    assert (repo / ".git/ctb/clear").is_file()
    stored = clear(repo, capsys, "--all")
    assert plain == first == stored
    assert stored[0] == 0 and stored[2] == ""
    lines = stored[1].splitlines()
    assert lines[0].split() == ["build", "status", "reserved", "short"]
    assert [line.split()[:3] for line in lines[2:]] == [["vco-batch-1", "short", "24"], ["vco-batch-2", "short", "20"]]
    for extra in (
        ["--format", "json"],
        ["--dry-run"],
        ["--format", "json", "--dry-run"],
        ["--fail-on-shortage"],
        ["-q"],
    ):
        assert clear(repo, capsys, "--all", *extra) == clear(repo, capsys, "--all", *extra, "--no-cache"), extra
    assert clear(repo, capsys, "--all", "--fail-on-shortage")[0] == 1
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    assert clear(repo, capsys, "--all", "--commit") == plain  # nothing to write: nothing committed
    again = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    assert again.stdout == head.stdout
    assert files(repo) == before
    # named builds have their own answer
    named = clear(repo, capsys, "vco-batch-2", "--no-cache")
    assert clear(repo, capsys, "vco-batch-2") == named == clear(repo, capsys, "vco-batch-2")
    assert clear(repo, capsys, "--all") == plain
    # a fresh process that answers from the stored answer never imports pydantic or the models
    code = (
        "import sys; from ctb_files.cli import main; status = main(['--repo', sys.argv[1], 'build', 'clear', '--all']);"
        "print(status, 'pydantic' in sys.modules, 'ctb_files.core.models' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("CTB_CACHE_TEST", "CTB_NO_CACHE")}
    done = subprocess.run([sys.executable, "-c", code, str(repo)], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.splitlines()[-1] == "0 False False"
    assert done.stdout.splitlines()[:-1] == plain[1].splitlines()


def test_a_clear_that_writes_keeps_its_answer_for_the_files_written_and_a_changed_file_is_a_miss(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert clear(repo, capsys, "--all")[0] == 0
    stored = (repo / ".git/ctb/clear").read_bytes()
    # one fewer unit in stock: the re-clear is computed again and writes the build files that change
    stock = repo / "stock/drawer-a.yaml"
    stock.write_bytes(
        stock.read_bytes()
        .replace(b"quantity: 100, bin: C3", b"quantity: 1, bin: C3")
        .replace(b"quantity: 60, bin: A3", b"quantity: 1, bin: A3")
    )
    cold_copy = repo.parent / "cold"
    shutil.copytree(repo, cold_copy)
    warm = clear(repo, capsys, "--all")
    cold = clear(cold_copy, capsys, "--all", "--no-cache")
    assert warm[:2] == cold[:2]
    assert timeless(files(repo)) == timeless(files(cold_copy))
    assert "wrote builds/vco-batch-1.yaml" in warm[2]
    assert (repo / ".git/ctb/clear").read_bytes() != stored  # kept for the files as written
    # clearing again with unchanged data writes byte-identical files: the kept answer is that clear's
    cold_again = clear(cold_copy, capsys, "--all", "--no-cache")
    assert "wrote" not in cold_again[2]
    from ctb_files.cli import build as build_cli

    written = files(repo)
    with monkeypatch.context() as patched:
        patched.setattr(build_cli, "clear_and_write_each", lambda *args: pytest.fail("planned again"))
        again = clear(repo, capsys, "--all")
    assert again == cold_again
    assert files(repo) == written != {}


def test_a_torn_answer_or_a_left_over_journal_takes_the_full_path(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = clear(repo, capsys, "--all", "--no-cache")
    assert clear(repo, capsys, "--all") == plain
    path = repo / ".git/ctb/clear"
    blob = path.read_bytes()
    path.write_bytes(blob[:-5])
    assert clear(repo, capsys, "--all") == plain
    assert path.read_bytes() == blob  # rebuilt
    path.write_bytes(blob[:-3] + b"xyz")
    assert clear(repo, capsys, "--all") == plain
    leftover = journal.journal_path(repo).parent / f".{journal.JOURNAL}.1{journal.TEMP_SUFFIX}"
    leftover.write_bytes(b"{")

    def refuse(*args: object) -> None:
        raise AssertionError("the stored answer was read with a journal left over")

    monkeypatch.setattr(clearcache, "lookup", refuse)
    assert clear(repo, capsys, "--all") == plain
    assert not leftover.exists()
    monkeypatch.setenv("CTB_NO_CACHE", "1")
    assert clear(repo, capsys, "--all") == plain


def test_a_build_file_written_the_fast_way_is_validated_from_the_data_it_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ctb_files.core.models import KINDS
    from ctb_files.storage import changes
    from ctb_files.storage.yaml import load_fast

    root = tmp_path / "inv"
    shutil.copytree(EXAMPLE, root)
    shutil.copy(EXAMPLE / "builds/vco-batch-1.yaml", root / "builds/vco-batch-2.yaml")
    handed: list[str] = []
    validate = changes._validate

    def both_ways(rel: str, data: bytes, parsed: object = None) -> None:
        if parsed is not None:  # the data handed over and the text read back make the same build
            handed.append(rel)
            assert KINDS["build"].model_validate(parsed) == KINDS["build"].model_validate(load_fast(data, rel))
        validate(rel, data, parsed)

    monkeypatch.setattr(changes, "_validate", both_ways)
    assert clear(root, capsys, "--all", "--no-cache")[0] == 0
    assert handed == ["builds/vco-batch-1.yaml", "builds/vco-batch-2.yaml"]
    # a build the model refuses is still refused: the data is validated, only the parse is skipped
    with pytest.raises(Exception, match="refusing to write builds/x.yaml"):
        validate("builds/x.yaml", b"project: vco\n", {"project": "vco", "reservations": "many"})


def test_the_json_answer_is_written_one_build_at_a_time_as_the_whole_document_would_be(tmp_path: Path) -> None:
    from ctb_files.cli.buildclear import build_json_text, json_text
    from ctb_files.ops.builds.clearing import clear_all
    from ctb_files.render.build import build_json
    from ctb_files.render.table import to_json
    from ctb_files.storage.loader import load_repo

    root = tmp_path / "inv"
    shutil.copytree(EXAMPLE, root)
    shutil.copy(EXAMPLE / "builds/vco-batch-1.yaml", root / "builds/vco-batch-2.yaml")
    plans = clear_all(load_repo(root, cache=False).inventory)
    assert len(plans) == 2 and any(plan.reservations for plan in plans.values())
    whole = to_json({"builds": [build_json(bid, plan.status, plan) for bid, plan in plans.items()]})
    assert json_text([build_json_text(bid, plan) for bid, plan in plans.items()]) == whole
    assert json_text([]) == to_json({"builds": []}) == '{\n  "builds": []\n}'


def test_a_json_clear_after_a_text_one_makes_its_json(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clear(repo, capsys, "--all")  # writes the build files
    assert clear(repo, capsys, "--all")[0] == 0  # nothing to change: the text answer is stored
    stored = (repo / ".git/ctb/clear").read_bytes()
    plain = clear(repo, capsys, "--all", "--format", "json", "--no-cache")
    assert json.loads(plain[1])["builds"]
    assert (repo / ".git/ctb/clear").read_bytes() == stored
    first = clear(repo, capsys, "--all", "--format", "json")  # the stored answer has no JSON: computed
    assert first == plain
    assert (repo / ".git/ctb/clear").read_bytes() != stored  # now kept with its JSON
    assert clear(repo, capsys, "--all", "--format", "json") == plain
    assert clear(repo, capsys, "--all")[1] == clear(repo, capsys, "--all", "--no-cache")[1]
