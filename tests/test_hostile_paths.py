"""Paths and sources a hostile repository or command line could use to reach outside, run code or inject HTML."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.errors import CtbError
from ctb_files.storage import gitproc
from ctb_files.storage import tree as tree_module
from ctb_files.storage.sources import Fetcher, GitCache
from ctb_files.storage.tree import read_file, read_tree

EXAMPLE = Path(__file__).resolve().parent.parent / "ctb_files" / "data" / "example-inventory"


@pytest.mark.parametrize(
    "location",
    [
        "ext::sh -c touch% /tmp/ctb-pwned",
        "fd::3",
        "FD::0,1",
        "--upload-pack=touch /tmp/ctb-pwned",
        "-oProxyCommand=x",
        "a\nb",
    ],
)
def test_git_sources_that_could_run_something_are_refused_before_git_runs(
    location: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_git(*args: object, **kwargs: object) -> None:
        raise AssertionError("git ran")

    monkeypatch.setattr(gitproc.clean_classes()[0], "execute", no_git)
    with pytest.raises(CtbError, match="refused$"):
        GitCache(location, tmp_path)


def test_path_sources_never_leave_the_inventory_not_even_through_a_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "secret.kicad_sch"
    outside.write_text("secret\n")
    root = tmp_path / "inv"
    (root / "hw").mkdir(parents=True)
    (root / "ctb.yaml").write_text("ctb: 1\n")
    (root / "hw" / "link.kicad_sch").symlink_to(outside)
    fetcher = Fetcher(root)
    for path in ("../secret.kicad_sch", str(outside), "hw/link.kicad_sch", "hw/../../secret.kicad_sch"):
        with pytest.raises(CtbError, match="outside the inventory repository"):
            fetcher._from_path(path, None, None)


@pytest.mark.parametrize("ident", ["../../etc/passwd", "/etc/passwd", "..", "a/b", "a\\b", "x" * 200])
def test_ids_that_would_escape_are_refused_in_one_line(
    ident: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "inv"
    shutil.copytree(EXAMPLE, root)
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    for args in (["build", "show", ident], ["bom", "show", f"{ident}:v1"], ["part", "show", ident]):
        status = main([*args, "--repo", str(root)])
        out, err = capsys.readouterr()
        assert status in (1, 2), (args, out, err)
        assert "Traceback" not in out + err
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before


def test_the_html_diff_shows_markup_in_values_as_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "inv"
    shutil.copytree(EXAMPLE, root)
    bom = root / "projects" / "vco" / "bom"
    text = (bom / "v1.yaml").read_text(encoding="utf-8").replace("version: v1", "version: v2")
    text = text.replace("value: 1N5817", "value: \"<script>alert('x')</script>\"")
    text = text.replace("refs: [J1]", 'refs: ["<img src=x onerror=alert(1)>"]')
    (bom / "v2.yaml").write_text(text, encoding="utf-8")
    project = root / "projects" / "vco" / "project.yaml"
    project.write_text(
        project.read_text(encoding="utf-8").replace(
            "  - {name: v1, note: first panel run}", "  - {name: v1, note: first panel run}\n  - {name: v2}"
        ),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["bom", "diff", "vco:v1", "vco:v2", "--format", "html", "--repo", str(root)]) == 0
    out = capsys.readouterr().out
    assert "<script" not in out and "<img" not in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out


def test_inventory_files_linked_from_outside_are_ignored_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: the secret text\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "p2.yaml").write_text("name: another secret\n")
    root = tmp_path / "inv"
    (root / "parts").mkdir(parents=True)
    (root / "ctb.yaml").write_text("ctb: 1\n")
    (root / "parts" / "p1.yaml").symlink_to(secret)
    (root / "packages").symlink_to(elsewhere)
    (root / "parts" / "inside.yaml").write_text("name: fine\n")
    (root / "parts" / "alias.yaml").symlink_to(root / "parts" / "inside.yaml")
    assert main(["check", "--repo", str(root)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "packages/p2.yaml:1:1: CTB108 ignored: a symbolic link to a file outside the inventory (warning)",
        "parts/p1.yaml:1:1: CTB108 ignored: a symbolic link to a file outside the inventory (warning)",
    ]
    assert main(["part", "list", "--repo", str(root)]) == 0
    assert "secret" not in capsys.readouterr().out


def test_a_link_to_outside_does_not_stop_commands_from_writing(tmp_path: Path) -> None:
    root = tmp_path / "inv"
    shutil.copytree(EXAMPLE, root)
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: the secret text\n")
    (root / "parts" / "zz-link.yaml").symlink_to(secret)
    assert main(["stock", "add", "r-100r", "1", "--location", "drawer-a", "--bin", "A2", "--repo", str(root)]) == 0
    assert "{part: r-100r, quantity: 101, bin: A2}" in (root / "stock" / "drawer-a.yaml").read_text()


def test_settings_linked_from_outside_are_ignored_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the walk tells links apart from the folder listing: ctb.yaml, which is not in a folder, is asked too
    secret = tmp_path / "settings.yaml"
    secret.write_text("ctb: 1\nname: the secret text\n")
    root = tmp_path / "inv"
    (root / "parts").mkdir(parents=True)
    (root / "ctb.yaml").symlink_to(secret)
    (root / "parts" / "p1.yaml").write_text("name: fine\n")
    main(["check", "--repo", str(root)])
    out = capsys.readouterr().out
    assert "ctb.yaml:1:1: CTB108 ignored: a symbolic link to a file outside the inventory (warning)" in out
    assert "ctb.yaml:1:1: CTB100 ctb.yaml is missing" in out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifos_and_devices_named_like_inventory_files_are_skipped_not_waited_on(tmp_path: Path) -> None:
    root = tmp_path / "inv"
    (root / "parts").mkdir(parents=True)
    (root / "ctb.yaml").write_text("ctb: 1\n")
    (root / "parts" / "p1.yaml").write_text("name: fine\n")
    os.mkfifo(root / "parts" / "pipe.yaml")  # opening it to read would wait for a writer for ever
    (root / "parts" / "zero.yaml").symlink_to("/dev/zero")  # reading it would never end
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for run in ("cold", "warm", "stat index"):  # the per-file cache, then the stored answer's stat walk
        if run == "stat index":
            (root / "parts" / "p2.yaml").write_text("name: also fine\n")
        done = subprocess.run(
            [sys.executable, "-m", "ctb_files", "--repo", str(root), "check"],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert (done.returncode, done.stdout) == (0, ""), run
        files = 3 if run == "stat index" else 2
        assert done.stderr == f"{files} files checked: 0 errors, 0 warnings\n", run
    assert read_tree(root) == {
        "ctb.yaml": b"ctb: 1\n", "parts/p1.yaml": b"name: fine\n", "parts/p2.yaml": b"name: also fine\n",
    }  # fmt: skip


def test_a_file_read_while_it_grows_is_read_to_its_end(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(b"name: x\n")
    grown = b"name: x\n" + b"# more\n" * 40_000
    real_fstat = os.fstat

    def fstat_then_grow(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        path.write_bytes(grown)  # after the size was taken, before the read
        return info

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tree_module.os, "fstat", fstat_then_grow)
        found = read_file(str(path))
    assert found is not None and found[0][0] == 8 and found[1] == grown
