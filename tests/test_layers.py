"""The layers of STYLE.md, read from every import with ``ast``.

core ← ops, checks, importers ← storage, vendors ← render ← cli, hooks:
a module imports only from its own layer or the layers below it. Third-party
libraries have owners too: click only in cli/ and hooks, the YAML libraries
only in storage/, httpx only in vendors/ and storage/sources.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ctb_files

PACKAGE = Path(ctb_files.__file__).parent

# rank of each top-level part of the package: imports may only point to an equal or lower rank
RANKS = {
    "__init__": 0,
    "errors": 0,
    "core": 1,
    "ops": 2,
    "checks": 2,
    "importers": 2,
    "storage": 3,
    "vendors": 3,
    "render": 4,
    "cli": 5,
    "hooks": 5,
    "__main__": 5,
}

# third-party module -> the package parts allowed to import it
OWNERS = {
    "click": ("cli", "hooks"),
    "ruamel": ("storage",),
    "yaml": ("storage",),
    "_yaml": ("storage",),
    "httpx": ("vendors", "storage/sources"),
    "git": ("storage",),
    "rich": ("render", "cli"),
}

POSIX_ONLY = {"fcntl", "termios", "pwd", "grp", "resource", "tty", "pty"}


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(PACKAGE).with_suffix("").as_posix()


def part_of(module: str) -> str:
    return module.split("/")[0].split(".")[0]


def imports(path: Path) -> list[tuple[int, str, bool]]:
    """(line, imported module, at module level) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    found: list[tuple[int, str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{rel(path)}:{node.lineno}: relative import"
            base = node.module or ""
            if base == "ctb_files":
                found += [(node.lineno, f"ctb_files.{alias.name}", id(node) in top) for alias in node.names]
            else:
                found.append((node.lineno, base, id(node) in top))
    return found


def target_part(name: str) -> str | None:
    if not name.startswith("ctb_files"):
        return None
    rest = name.split(".")[1:]
    return rest[0] if rest else "__init__"


def test_every_module_has_a_layer() -> None:
    for path in modules():
        assert part_of(rel(path)) in RANKS, f"{rel(path)} is in no layer"


def test_imports_point_down_only() -> None:
    wrong = []
    for path in modules():
        me = rel(path)
        rank = RANKS[part_of(me)]
        for line, name, _ in imports(path):
            other = target_part(name)
            if other is None or other not in RANKS:
                continue
            if RANKS[other] > rank:
                wrong.append(f"{me}.py:{line}: imports {name} (layer {other} is above {part_of(me)})")
    assert wrong == []


def test_third_party_libraries_have_owners() -> None:
    wrong = []
    for path in modules():
        me = rel(path)
        for line, name, _ in imports(path):
            top = name.split(".")[0]
            owners = OWNERS.get(top)
            if owners is None:
                continue
            if not any(me == owner or me.startswith(owner + "/") or part_of(me) == owner for owner in owners):
                wrong.append(f"{me}.py:{line}: imports {name}")
    assert wrong == []


def test_no_posix_only_module_at_module_level() -> None:
    wrong = [
        f"{rel(path)}.py:{line}: {name}"
        for path in modules()
        for line, name, top_level in imports(path)
        if top_level and name.split(".")[0] in POSIX_ONLY
    ]
    assert wrong == []


def test_the_reader_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import click\nfrom ctb_files.cli import app\n", encoding="utf-8")
    assert [(name, top) for _, name, top in imports(bad)] == [("click", True), ("ctb_files.cli", True)]
