"""``ctb init``: the skeleton of a new inventory repository, and the example.

:func:`init_repository` makes a directory an inventory: ``git init`` (or the
enclosing work tree when there is one), a commented ``ctb.yaml``, the
folders, ``.gitattributes`` naming the stock merge driver (registered in
this clone's git config too), ``.gitignore``,
``.pre-commit-config.yaml`` running the installed ctb (``repo: local``), and the JSON Schemas
in ``.ctb/schemas/`` that the ``# yaml-language-server: $schema=`` first line
of every file points editors at.  All files go through one ChangeSet: they
are written together or not at all.  ``example=True`` adds the bundled
example inventory and commits everything as the first commit.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from ctb_files.core import paths as layout
from ctb_files.core.schema import SCHEMA_DIR, export_schemas, schema_hint
from ctb_files.errors import CtbError, UsageError
from ctb_files.storage.changes import ChangeSet
from ctb_files.storage.git import GitRepo
from ctb_files.storage.init.githooks import GIT_HOOKS, git_hook_text
from ctb_files.storage.mergedriver import DRIVER
from ctb_files.storage.mergedriver import install as install_merge_driver

__all__ = [
    "EXAMPLE_COMMIT", "HOOKS", "PROJECT_URL", "InitResult", "example_files", "gitattributes_text", "gitignore_text",
    "init_repository", "install_git_hooks", "pre_commit_config_text", "settings_text", "write_schemas",
]  # fmt: skip

PROJECT_URL = "https://github.com/ctb-files/ctb-files"
EXAMPLE_COMMIT = "ctb: example inventory"
_PLAIN_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9 _.()-]*$")


def settings_text(name: str) -> str:
    """A commented ``ctb.yaml`` for a new inventory called ``name``."""
    shown = (
        name
        if _PLAIN_NAME.match(name) and name.lower() not in ("yes", "no", "on", "off", "null", "true", "false")
        else _quoted(name)
    )
    return f"""\
{schema_hint(layout.SETTINGS, "settings")}
# Settings of this inventory. This file marks the repository root: every path
# ctb reads (parts/, stock/, projects/, ...) is relative to it.
ctb: 1                        # format version
name: {shown}
currency: USD                 # prices without their own currency are in this one
# default_location: shelf     # where `ctb order receive` puts stock unless told otherwise
equivalence_depth: 5          # hops followed through parts' `equivalents`
partial_reservations: false   # true: reserve what there is, record only the rest as short
bom_extensions: []            # extra fields for BOM rows, e.g. placement or assembly notes
"""


def _quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def gitattributes_text() -> str:
    return """\
# Stock files merge line by line with ctb's merge driver (PRODUCT: merged quantity =
# base + ours' change + theirs' change). Register it once per clone: ctb merge-driver install
stock/*.yaml merge=ctb-stock
"""


def gitignore_text() -> str:
    return """\
# ctb's lock file, half-written temporary files and caches
.ctb.lock
.*.tmp
.ctb/cache/
"""


HOOK_FILES = r"^(ctb\.yaml|(parts|packages|vendors|stock|projects|builds|orders)/.*\.yaml)$"
# The two hooks as this project's .pre-commit-hooks.yaml declares them; the local form repeats them.
HOOKS: tuple[dict[str, str | bool], ...] = (
    {
        "id": "ctb-check", "name": "ctb check", "entry": "ctb-check-hook",
        "pass_filenames": False, "require_serial": True, "files": HOOK_FILES,
    },
    {"id": "ctb-fmt", "name": "ctb fmt", "entry": "ctb-fmt-hook", "require_serial": True, "files": HOOK_FILES},
)  # fmt: skip
_PRE_COMMIT_HEAD = """\
# pre-commit (https://pre-commit.com) runs ctb before every commit:
#   ctb-check  validates the whole inventory, as `ctb check` does
#   ctb-fmt    puts the changed files in canonical form, as `ctb fmt` does
"""


def _yaml_scalar(value: str | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"'{value}'" if value.startswith("^") else value


def pre_commit_config_text(repo_url: str | None = None, rev: str | None = None) -> str:
    """The ``.pre-commit-config.yaml`` ``ctb init`` writes.

    By default ``repo: local`` hooks that run the installed ctb (``language:
    system``): nothing is cloned or downloaded, so the first commit works
    offline.  With ``repo_url`` and ``rev``, the remote form that makes
    pre-commit install ctb itself from that repository at that revision.
    """
    if repo_url is not None:
        if not rev:
            raise UsageError("--pre-commit-repo needs --rev (a tag or commit of that repository)")
        return (
            _PRE_COMMIT_HEAD
            + "# Enable it once per clone:  pip install pre-commit && pre-commit install\n"
            + f"repos:\n  - repo: {repo_url}\n    rev: {rev}\n    hooks:\n"
            + "".join(f"      - id: {hook['id']}\n" for hook in HOOKS)
        )
    if rev is not None:
        raise UsageError("--rev needs --pre-commit-repo")
    lines = [
        _PRE_COMMIT_HEAD.rstrip("\n"),
        "# The hooks run the ctb installed on PATH. Enable them once per clone:",
        "#   pip install 'ctb-files[hooks]' && pre-commit install",
        "repos:",
        "  - repo: local",
        "    hooks:",
    ]
    for hook in HOOKS:
        lines.append(f"      - id: {hook['id']}")
        fields = {**hook, "language": "system"}
        order = ["name", "entry", "language", *[key for key in hook if key not in ("id", "name", "entry")]]
        lines.extend(f"        {key}: {_yaml_scalar(fields[key])}" for key in order)
    return "\n".join(lines) + "\n"


def write_schemas(directory: Path) -> list[str]:
    """Write every kind's JSON Schema into ``directory``; return the names that changed."""
    changed: list[str] = []
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in export_schemas().items():
            target = directory / name
            data = text.encode("utf-8")
            if target.is_file() and target.read_bytes() == data:
                continue
            tmp = target.with_name(f".{name}.tmp")
            try:
                tmp.write_bytes(data)
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
            changed.append(name)
    except OSError as exc:
        raise CtbError(f"cannot write the schemas to {directory}: {exc.strerror or exc}") from None
    return changed


def example_files() -> dict[str, bytes]:
    """The bundled example inventory: ``{relative path: bytes}`` (``.ctb/`` left out)."""
    base = resources.files("ctb_files") / "data" / "example-inventory"
    out: dict[str, bytes] = {}

    def walk(node: Traversable, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            rel = f"{prefix}{child.name}"
            if child.is_dir():
                if not child.name.startswith("."):
                    walk(child, rel + "/")
            elif child.name.endswith(".yaml"):
                out[rel] = child.read_bytes()

    walk(base, "")
    return out


@dataclass
class InitResult:
    """What ``init`` did, for the command to report."""

    root: Path
    git_root: Path
    written: list[str] = field(default_factory=list)
    commit: str | None = None
    hooks: list[str] = field(default_factory=list)
    merge_driver: str | None = None
    notes: list[str] = field(default_factory=list)


def _skeleton(root: Path, at_git_top: bool, pre_commit: tuple[str | None, str | None]) -> dict[str, str]:
    files: dict[str, str] = {
        layout.SETTINGS: settings_text(root.name or "inventory"),
        ".gitattributes": gitattributes_text(),
        ".gitignore": gitignore_text(),
    }
    if at_git_top:
        files[".pre-commit-config.yaml"] = pre_commit_config_text(*pre_commit)
    for folder in layout.FOLDERS:
        files[f"{folder}/.gitkeep"] = ""
    for name, text in export_schemas().items():
        files[f"{SCHEMA_DIR}/{name}"] = text
    return files


def init_repository(
    target: Path, *, example: bool = False, git_hooks: bool = False,
    pre_commit_repo: str | None = None, pre_commit_rev: str | None = None,
) -> InitResult:  # fmt: skip
    """Make ``target`` a new inventory repository (see the module docstring)."""
    pre_commit = (pre_commit_repo, pre_commit_rev)
    pre_commit_config_text(*pre_commit)  # refuse a wrong pair before anything is created
    if (target / layout.SETTINGS).exists():
        raise CtbError(f"{target} already holds {layout.SETTINGS}; it is an inventory already")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CtbError(f"cannot create {target}: {exc.strerror}") from None
    root = target.resolve()
    repo = GitRepo.find(root)
    notes: list[str] = []
    if repo is None:
        repo = GitRepo.init(root, initial_branch="main")
    elif repo.root.resolve() != root:
        notes.append(f"using the enclosing git repository at {repo.root}")
    try:
        return _fill(repo, root, notes, example=example, git_hooks=git_hooks, pre_commit=pre_commit)
    finally:
        repo.close()


def _fill(
    repo: GitRepo, root: Path, notes: list[str], *, example: bool, git_hooks: bool,
    pre_commit: tuple[str | None, str | None],
) -> InitResult:  # fmt: skip
    git_root = repo.root.resolve()
    at_top = git_root == root
    if not at_top:
        notes.append("no .pre-commit-config.yaml written: pre-commit reads it from the top of the repository")
    files = _skeleton(root, at_top, pre_commit)
    if example:
        for rel, data in example_files().items():
            files[rel] = data.decode("utf-8")
        for folder in layout.FOLDERS:
            if any(rel.startswith(f"{folder}/") and not rel.endswith(".gitkeep") for rel in files):
                files.pop(f"{folder}/.gitkeep", None)
    changes = ChangeSet(root)
    kept = [rel for rel in sorted(files) if (root / rel).exists() and not rel.endswith(".gitkeep")]
    for rel, text in sorted(files.items()):
        if not (root / rel).exists():
            changes.write_text(rel, text)
    if kept:
        notes.append("kept the files already there: " + ", ".join(kept))
    written = changes.apply()
    result = InitResult(root=root, git_root=git_root, written=written, notes=notes)
    try:
        install_merge_driver(root).close()
        result.merge_driver = DRIVER
    except CtbError as exc:
        notes.append(f"the stock merge driver is not registered: {exc}")
    if git_hooks:
        result.hooks = install_git_hooks(repo, root, notes)
    if example:
        prefix = root.relative_to(git_root).as_posix()
        paths = [rel if prefix == "." else f"{prefix}/{rel}" for rel in written]
        try:
            result.commit = repo.commit_files(paths, EXAMPLE_COMMIT)
        except CtbError as exc:
            notes.append(f"the example is written but not committed: {exc}")
    return result


def _hooks_dir(git_root: Path) -> Path:
    dot_git = git_root / ".git"
    if dot_git.is_file():  # a linked work tree or submodule: ".git" names the real directory
        text = dot_git.read_text(encoding="utf-8").strip()
        if text.startswith("gitdir:"):
            found = Path(text[len("gitdir:") :].strip())
            return (found if found.is_absolute() else git_root / found) / "hooks"
    return dot_git / "hooks"


def install_git_hooks(repo: GitRepo, root: Path, notes: list[str]) -> list[str]:
    """Install the plain git hooks; an existing different hook is left alone (and noted)."""
    git_root = repo.root.resolve()
    inventory = root.resolve().relative_to(git_root).as_posix()
    hooks = _hooks_dir(git_root)
    hooks.mkdir(parents=True, exist_ok=True)
    installed: list[str] = []
    for name in GIT_HOOKS:
        target = hooks / name
        text = git_hook_text(name, inventory)
        if target.exists() and target.read_text(encoding="utf-8", errors="replace") != text:
            notes.append(f"left the existing {name} hook alone ({target}); see `ctb init --help`")
            continue
        target.write_text(text, encoding="utf-8")
        target.chmod(0o755)
        installed.append(name)
    return installed
