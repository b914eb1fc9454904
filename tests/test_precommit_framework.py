"""The real pre-commit framework installing this project's hooks, and a plain git hook in a worktree.

pre-commit clones the hook repository (a copy of this project, committed in a
temporary repository), builds a virtualenv and pip-installs the clone into
it.  Tests never use the network, so pip runs offline against a wheelhouse
built once per session from the running environment: every installed
distribution ctb-files depends on is packed back into a wheel from its
installed files (RECORD), and setuptools (the build backend) comes from the
wheels virtualenv carries.  ``CTB_TEST_WHEELHOUSE`` names a prepared
wheelhouse instead.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata as metadata
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import GIT_ENV, commit_all, git, write_tree
from tests.test_mergedriver import ctb_on_path

PROJECT = Path(__file__).resolve().parents[1]
SKIPPED_METADATA = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}

INVENTORY = {
    "ctb.yaml": "ctb: 1\nname: Hook lab\n",
    "parts/r1.yaml": "name: 10k resistor\n",
    "stock/a.yaml": "lines:\n  - {part: r1, quantity: 10}\n",
}
DANGLING = "lines:\n  - {part: r1, quantity: 10}\n  - {part: r404, quantity: 1}\n"


# --- the offline wheelhouse -------------------------------------------------------------------------


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _wheel_tag(wheel_text: str) -> str:
    tags = [line.split(":", 1)[1].strip() for line in wheel_text.splitlines() if line.startswith("Tag:")]
    parts = [tag.split("-") for tag in tags]
    return "-".join(".".join(sorted({p[i] for p in parts})) for i in range(3))


def repack(dist: metadata.Distribution, out: Path) -> Path:
    """A wheel of an installed distribution, made from the files its RECORD lists."""
    wheel_text = dist.read_text("WHEEL")
    if not dist.files or not wheel_text:
        raise RuntimeError(f"{dist.metadata['Name']} has no RECORD or WHEEL to pack from")
    name, version = dist.metadata["Name"], dist.version
    target = out / f"{re.sub(r'[-_.]+', '_', name)}-{version}-{_wheel_tag(wheel_text)}.whl"
    records: list[str] = []
    info_dir = ""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as wheel:
        for file in dist.files:
            rel = file.as_posix()
            pieces = rel.split("/")
            if ".." in pieces or "__pycache__" in pieces:
                continue  # scripts are made again from entry_points.txt; bytecode is compiled again
            if pieces[0].endswith(".dist-info"):
                info_dir = pieces[0]
                if pieces[-1] in SKIPPED_METADATA and len(pieces) == 2:
                    continue
            source = Path(str(dist.locate_file(file)))
            if not source.is_file():
                continue
            data = source.read_bytes()
            wheel.writestr(rel, data)
            records.append(f"{rel},{_record_hash(data)},{len(data)}")
        records.append(f"{info_dir}/RECORD,,")
        wheel.writestr(f"{info_dir}/RECORD", "\n".join(records) + "\n")
    return target


def dependencies(root: str) -> list[metadata.Distribution]:
    """The installed distributions ``root`` needs on this interpreter (its extras left out)."""
    from packaging.requirements import Requirement

    found: dict[str, metadata.Distribution] = {}
    todo = [root]
    while todo:
        name = _canonical(todo.pop())
        if name in found:
            continue
        dist = metadata.distribution(name)
        found[name] = dist
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return [dist for name, dist in found.items() if name != _canonical(root)]


def setuptools_wheel(out: Path) -> None:
    """A setuptools wheel recent enough for pyproject.toml's build requirement."""
    try:
        from virtualenv.seed.wheels.embed import BUNDLE_FOLDER
    except ImportError:
        BUNDLE_FOLDER = None  # noqa: N806
    if BUNDLE_FOLDER is not None:
        wheels = sorted(Path(BUNDLE_FOLDER).glob("setuptools-*.whl"), key=lambda p: _version(p.name.split("-")[1]))
        if wheels and _version(wheels[-1].name.split("-")[1]) >= (68,):
            shutil.copy(wheels[-1], out)
            return
    try:
        installed = metadata.distribution("setuptools")
    except metadata.PackageNotFoundError:
        installed = None
    if installed is not None and _version(installed.version) >= (68,):
        repack(installed, out)
        return
    pytest.skip("no setuptools>=68 wheel is available offline; set CTB_TEST_WHEELHOUSE to a wheelhouse")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    prepared = os.environ.get("CTB_TEST_WHEELHOUSE")
    if prepared:
        return Path(prepared)
    out = tmp_path_factory.mktemp("wheelhouse")
    for dist in dependencies("ctb-files"):
        repack(dist, out)
    setuptools_wheel(out)
    return out


# --- a hook repository made from this project -------------------------------------------------------


def _session_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return {**env, **GIT_ENV, "HOME": str(home)}


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This project's files committed in a fresh repository: (path, commit)."""
    if not (PROJECT / ".git").exists():
        pytest.skip("needs this project's git checkout to copy its files from")
    env = _session_env(tmp_path_factory.mktemp("home"))
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT, env=env, check=True, capture_output=True,
    ).stdout.decode().split("\0")  # fmt: skip
    if ".pre-commit-hooks.yaml" not in listed:
        pytest.skip("the project has no .pre-commit-hooks.yaml")
    target = tmp_path_factory.mktemp("ctb-files-hooks")
    for rel in filter(None, listed):
        source = PROJECT / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "--no-verify", "-m", "hooks"]):
        subprocess.run(["git", *args], cwd=target, env=env, check=True, capture_output=True)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=target, env=env, check=True, capture_output=True, text=True)
    return target, sha.stdout.strip()


@pytest.fixture
def pre_commit(
    wheelhouse: Path, hook_repo: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, str]:  # fmt: skip
    """The environment pre-commit runs in: offline pip, one hook cache per session."""
    ctb_on_path(monkeypatch)
    cache = tmp_path_factory.getbasetemp() / "pre-commit-home"
    for key in [k for k in os.environ if k.startswith("PIP_")]:
        monkeypatch.delenv(key)
    settings = {
        "PRE_COMMIT_HOME": str(cache),
        "PIP_CONFIG_FILE": os.devnull,  # the machine's pip configuration stays out
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheelhouse),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "VIRTUALENV_NO_PERIODIC_UPDATE": "1",
        "VIRTUALENV_NO_DOWNLOAD": "1",
    }
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    return dict(os.environ)


def config(hook_repo: tuple[Path, str]) -> str:
    path, sha = hook_repo
    return f"repos:\n  - repo: {path}\n    rev: {sha}\n    hooks:\n      - id: ctb-check\n      - id: ctb-fmt\n"


def run(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=root, env=env, capture_output=True, text=True)


def test_pre_commit_installs_the_hooks_and_passes_a_clean_inventory(
    git_repo: Path, pre_commit: dict[str, str], hook_repo: tuple[Path, str]
) -> None:
    write_tree(git_repo, {**INVENTORY, ".pre-commit-config.yaml": config(hook_repo)})
    git(git_repo, "add", "-A")
    done = run(git_repo, pre_commit, sys.executable, "-m", "pre_commit", "run", "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^ctb check\.+Passed$", done.stdout, re.M), done.stdout
    assert re.search(r"^ctb fmt\.+Passed$", done.stdout, re.M), done.stdout


def test_a_dangling_reference_fails_the_commit_naming_the_file(
    git_repo: Path, pre_commit: dict[str, str], hook_repo: tuple[Path, str]
) -> None:
    write_tree(git_repo, {**INVENTORY, ".pre-commit-config.yaml": config(hook_repo)})
    commit_all(git_repo, "inventory")
    installed = run(git_repo, pre_commit, sys.executable, "-m", "pre_commit", "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    write_tree(git_repo, {"stock/a.yaml": DANGLING})
    git(git_repo, "add", "-A")
    done = run(git_repo, pre_commit, "git", "commit", "-q", "-m", "a part that does not exist")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert re.search(r"^ctb check\.+Failed$", output, re.M), output
    assert re.search(r"stock/a\.yaml:3:\d+: CTB2\d\d .*r404", output), output
    assert git(git_repo, "log", "--format=%s") == "inventory\n"


# --- a plain git hook, committing in a linked worktree ------------------------------------------------


def test_plain_git_hook_in_a_worktree(git_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """git exports GIT_DIR / GIT_INDEX_FILE to hooks; ctb must still read the right repository."""
    hook = PROJECT / "hooks" / "pre-commit"
    if not hook.is_file():
        pytest.skip("the project has no hooks/pre-commit")
    ctb_on_path(monkeypatch)
    write_tree(git_repo, INVENTORY)
    commit_all(git_repo, "inventory")
    hooks = Path(git(git_repo, "rev-parse", "--path-format=absolute", "--git-common-dir").strip()) / "hooks"
    hooks.mkdir(exist_ok=True)
    seen = tmp_path / "seen"
    # the project's hook, then a review of HEAD, which needs git itself to read the right work tree
    text = hook.read_text() + (
        f'printf "%s\\n" "$GIT_INDEX_FILE" > "{seen}/index"\n'
        f'ctb review HEAD --format json > "{seen}/review.json"\n'
    )
    seen.mkdir()
    (hooks / "pre-commit").write_text(text)
    (hooks / "pre-commit").chmod(0o755)
    worktree = tmp_path / "feature"
    git(git_repo, "worktree", "add", "-q", "-b", "feature", str(worktree))
    write_tree(worktree, {"stock/a.yaml": DANGLING})
    refused = run(worktree, dict(os.environ), "git", "commit", "-q", "-am", "dangling")
    assert refused.returncode == 1
    assert re.search(r"stock/a\.yaml:3:\d+: CTB2\d\d .*r404", refused.stdout + refused.stderr)
    assert "commit refused" in refused.stderr
    write_tree(worktree, {"stock/a.yaml": "lines:\n  - {part: r1, quantity: 4}\n"})
    # committing named paths makes git use a temporary index file
    done = run(worktree, dict(os.environ), "git", "commit", "-q", "-m", "used six", "stock/a.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (seen / "index").read_text().strip(), "git gave the hook no GIT_INDEX_FILE"
    review = (seen / "review.json").read_text()
    assert '"before": 10' in review and '"after": 4' in review
    assert git(worktree, "log", "-1", "--format=%s") == "used six\n"
    assert git(git_repo, "log", "-1", "--format=%s") == "inventory\n"


# --- a fresh `ctb init` repository: local hooks, offline, first use -----------------------------------


@pytest.fixture
def local_pre_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """pre-commit with ctb on PATH and its own cache; no hook repository is cloned, no network."""
    ctb_on_path(monkeypatch)
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    return dict(os.environ)


def test_a_fresh_init_repository_commits_through_the_local_hooks(
    tmp_path: Path, local_pre_commit: dict[str, str]
) -> None:
    env = local_pre_commit
    root = tmp_path / "lab"
    made = run(tmp_path, env, "ctb", "init", str(root), "--example", "-q")
    assert made.returncode == 0, made.stderr
    assert "  - repo: local\n" in (root / ".pre-commit-config.yaml").read_text()
    installed = run(root, env, sys.executable, "-m", "pre_commit", "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    git(root, "add", ".pre-commit-config.yaml")
    (root / "parts" / "r-4k7.yaml").write_text("name: 4.7k resistor\nunit: pcs\n")
    git(root, "add", "-A")
    good = run(root, env, "git", "commit", "-q", "-m", "a new resistor")
    assert good.returncode == 0, good.stdout + good.stderr
    assert re.search(r"^ctb check\.+Passed$", good.stderr, re.M), good.stderr
    assert re.search(r"^ctb fmt\.+Passed$", good.stderr, re.M), good.stderr
    # ctb's own --commit goes through the same hooks: its files are already in fmt form
    for args in (
        ["build", "clear", "vco-batch-1"],
        ["stock", "add", "r-4k7", "100", "--location", "shelf"],
        ["build", "new", "vco:v1", "2", "--id", "vco-batch-2"],
        ["order", "generate"],
        ["stock", "move", "r-1k", "5", "--from", "drawer-a", "--from-bin", "A3", "--to", "shelf"],
        ["order", "place", "mouser-open", "--number", "PO-1"],
        ["order", "receive", "mouser-open", "--location", "shelf"],
        ["build", "cancel", "vco-batch-1"],
    ):
        done = run(root, env, "ctb", *args, "--commit")
        assert done.returncode == 0, (args, done.stdout + done.stderr)
    assert git(root, "status", "--porcelain") == ""
    assert len(git(root, "log", "--format=%s").splitlines()) == 10
    (root / "stock" / "shelf.yaml").write_text(
        (root / "stock" / "shelf.yaml").read_text().replace("part: r-4k7", "part: r-4k8")
    )
    git(root, "add", "-A")
    refused = run(root, env, "git", "commit", "-q", "-m", "a part that does not exist")
    output = refused.stdout + refused.stderr
    assert refused.returncode == 1, output
    assert re.search(r"^ctb check\.+Failed$", output, re.M), output
    assert re.search(r"stock/shelf\.yaml:\d+:\d+: CTB2\d\d .*r-4k8", output), output
    assert len(git(root, "log", "--format=%s").splitlines()) == 10
