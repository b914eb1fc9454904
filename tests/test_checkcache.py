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


def test_the_quick_way_and_clicks_way_print_the_same(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``main`` answers a plain ``check`` before click; the command click runs prints the same bytes."""
    from click.testing import CliRunner

    from ctb_files.cli import quick
    from ctb_files.cli.app import cli

    (repo / "parts/odd.yml").write_text("name: odd\n")  # a warning (CTB106)
    check(repo, capsys)  # stores the answer
    runner = CliRunner()
    for extra in ([], ["-q"], ["--format", "json"], ["--format=text", "--no-progress"]):
        quick_way = check(repo, capsys, *extra)
        assert quick._plain_check(["--repo", str(repo), "check", *extra]) is not None
        clicked = runner.invoke(cli, ["--repo", str(repo), "check", *extra])
        assert (clicked.exit_code, clicked.stdout, clicked.stderr) == quick_way
    status, out, err = check(repo, capsys)
    assert status == 1
    assert out.splitlines()[0] == "parts/r-1k.yaml:2:1: CTB102 bogus: unknown key 'bogus'"
    assert out.splitlines()[1] == "parts/odd.yml:1:1: CTB106 ignored: inventory files end in .yaml (warning)"
    assert err == "52 files checked: 1 error, 1 warning\n"


@pytest.mark.parametrize(
    ("args", "parsed"),
    [
        (["check"], (None, "text", False)),
        (["--repo", "R", "check", "-q"], ("R", "text", True)),
        (["check", "--repo=R", "--quiet", "--format", "json"], ("R", "json", True)),
        (["--repo", "A", "check", "--repo", "R"], ("R", "text", False)),  # the last --repo wins, as in click
        (["check", "--format=json", "--no-progress"], (None, "json", False)),
        (["check", "parts"], None),  # paths: click's way
        (["check", "--format", "yaml"], None),  # click names the choices
        (["check", "--no-cache"], None),
        (["check", "-qv"], None),
        (["check", "--debug"], None),
        (["check", "--help"], None),
        (["--version"], None),
        (["stock", "check"], None),
        (["check", "--repo"], None),
        (["--repo", "R"], None),
        ([], None),
    ],
)
def test_only_a_plain_check_is_answered_before_click(args: list[str], parsed: object, tmp_path: Path) -> None:
    from ctb_files.cli import quick

    (tmp_path / "R").mkdir()
    (tmp_path / "A").mkdir()
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        assert quick._plain_check(args) == parsed
    finally:
        os.chdir(cwd)


def test_a_repo_that_is_a_file_or_missing_goes_to_click(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ctb_files.cli import quick

    assert quick._plain_check(["check", "--repo", str(repo / "ctb.yaml")]) is None
    assert quick._plain_check(["check", "--repo", str(repo / "nowhere")]) is None
    status = main(["check", "--repo", str(repo / "nowhere")])
    assert status == 1 and "holds no ctb.yaml" in capsys.readouterr().err


def test_a_miss_is_looked_up_once(repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from ctb_files.storage import checkcache

    check(repo, capsys)
    (repo / "parts/r-1k.yaml").write_text("name: R 1k\n")
    calls: list[Path] = []
    real = checkcache.stored

    def counted(root: Path, hand_over: bool = False) -> checkcache.Answer | None:
        calls.append(root)
        return real(root, hand_over)

    monkeypatch.setattr(checkcache, "stored", counted)
    assert check(repo, capsys)[0] == 0
    assert calls == [repo]
    assert check(repo, capsys)[0] == 0  # now stored: answered before click
    assert calls == [repo, repo]


def test_the_check_hook_answers_without_click_pydantic_or_the_formatter(repo: Path) -> None:
    """pre-commit runs the hook on every commit: from a stored answer it imports none of them."""
    env = {k: v for k, v in os.environ.items() if k not in ("CTB_CACHE_TEST", "CTB_NO_CACHE")}
    code = (
        "import sys; from ctb_files.hooks import check_main; status = check_main(['--repo', sys.argv[1], '-q']);"
        "print(status, sorted({m.split('.')[0] for m in sys.modules} & {'click', 'pydantic', 'ruamel', 'rich', 'git'}))"
    )
    first = subprocess.run([sys.executable, "-c", code, str(repo)], capture_output=True, text=True, env=env, check=True)
    assert first.stdout.splitlines()[-1] == "1 ['click', 'pydantic']"  # nothing stored yet: the full check
    again = subprocess.run([sys.executable, "-c", code, str(repo)], capture_output=True, text=True, env=env, check=True)
    assert again.stdout.splitlines()[-1] == "1 []"
    assert again.stdout.splitlines()[:-1] == first.stdout.splitlines()[:-1]
    assert again.stdout.splitlines()[0] == "parts/r-1k.yaml:2:1: CTB102 bogus: unknown key 'bogus'"
