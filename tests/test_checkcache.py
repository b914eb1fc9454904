"""The stored answer of ``ctb check`` in .git/ctb/check: the same output, from one read."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ctb_files.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "example-inventory"


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CTB_CACHE_TEST", raising=False)  # these tests look at the cache itself
    root = tmp_path / "inv"
    shutil.copytree(EXAMPLE, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "parts/r-1k.yaml").write_text("name: R 1k\nbogus: 1\n")
    return root


def check(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    status = main(["--repo", str(root), "check", *extra])
    out = capsys.readouterr()
    return status, out.out, out.err


def test_an_unchanged_repository_answers_from_the_stored_answer(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = check(repo, capsys, "--no-cache")
    assert not (repo / ".git/ctb/check").exists()
    first = check(repo, capsys)
    assert (repo / ".git/ctb/check").is_file()
    assert plain == first == check(repo, capsys)
    assert plain[0] == 1 and "parts/r-1k.yaml:2:1: CTB102 bogus: unknown key 'bogus'" in plain[1]
    assert check(repo, capsys, "parts") == check(repo, capsys, "parts", "--no-cache")
    assert check(repo, capsys, "stock")[:2] == (0, "")
    json_out = check(repo, capsys, "--format", "json")
    assert json_out == check(repo, capsys, "--format", "json", "--no-cache")
    # a fresh process that answers from the stored answer never imports pydantic or the models
    code = (
        "import sys; from ctb_files.cli import main; status = main(['--repo', sys.argv[1], 'check', '-q']);"
        "print(status, 'pydantic' in sys.modules, 'ctb_files.core.models' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("CTB_CACHE_TEST", "CTB_NO_CACHE")}
    done = subprocess.run([sys.executable, "-c", code, str(repo)], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.splitlines()[-1] == "1 False False"


def test_a_changed_file_or_merge_driver_state_is_a_new_answer(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(repo, capsys)[0] == 1
    (repo / "parts/r-1k.yaml").write_text("name: R 1k\n")
    fixed = check(repo, capsys)
    assert fixed[0] == 0 and fixed == check(repo, capsys, "--no-cache")
    (repo / ".gitattributes").write_text("stock/*.yaml merge=ctb-stock\n")
    declared = check(repo, capsys)
    assert ".gitattributes:1:1: CTB601" in declared[1]
    assert declared == check(repo, capsys, "--no-cache")
    subprocess.run(["git", "-C", str(repo), "config", "merge.ctb-stock.driver", "true"], check=True)
    installed = check(repo, capsys)
    assert "CTB601" not in installed[1] and installed == check(repo, capsys, "--no-cache")


@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign"])
def test_a_damaged_answer_is_ignored(repo: Path, capsys: pytest.CaptureFixture[str], damage: str) -> None:
    first = check(repo, capsys)
    path = repo / ".git/ctb/check"
    blob = path.read_bytes()
    path.write_bytes(
        {"truncate": blob[: len(blob) // 2], "flip": blob[:-5] + bytes([blob[-5] ^ 0xFF]) + blob[-4:], "foreign": b"x" * 200}[damage]
    )
    assert check(repo, capsys) == first
    assert path.read_bytes() == blob  # rebuilt whole
