"""``ctb check`` and ``ctb build clear`` after edits nothing reads: the last full answer stands, and only then."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bench.gen import generate_mixed
from ctb_files.checks import run_checks
from ctb_files.cli import main
from ctb_files.cli.buildclear import build_json_text
from ctb_files.core.models import KINDS
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.unread import UNREAD
from ctb_files.ops.builds.clearing import clear_each
from ctb_files.ops.builds.fields import cleared_fields
from ctb_files.ops.orders.shortages import on_order_by_build
from ctb_files.render.bom import shortage_summary
from ctb_files.storage import checkcache, clearcache, treestat, unread
from ctb_files.storage.gitattributes import declared_not_installed
from ctb_files.storage.loader import load_repo
from ctb_files.storage.unread import edits

EXAMPLE = Path(__file__).resolve().parent.parent / "example-inventory"
TABLES = {
    "part": "parts", "vendor": "vendors", "project": "projects", "build": "builds", "stock": "stock", "order": "orders",
    "package": "packages",
}  # fmt: skip


class _Unreadable:
    """A value that refuses every use: a check that reads it crashes (CTB999)."""

    def _refuse(self, *args: object, **kwargs: object) -> Any:
        raise RuntimeError("a check read a field listed as unread")

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse  # type: ignore[assignment]
    __hash__ = __bool__ = __str__ = __repr__ = __format__ = __len__ = __iter__ = _refuse  # type: ignore[assignment]
    __contains__ = __getitem__ = __add__ = __radd__ = _refuse

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"a check read .{name} of a field listed as unread")


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CTB_CACHE_TEST", raising=False)  # these tests look at the stored answers themselves
    root = tmp_path / "inv"
    shutil.copytree(EXAMPLE, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "parts/r-1k.yaml").write_text("name: R 1k\nbogus: 1\n")  # one error, in a file not edited below
    return root


def check(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    status = main(["--repo", str(root), "check", *extra])
    out = capsys.readouterr()
    return status, out.out, out.err


def unchanged(root: Path) -> checkcache.Answer | None:
    digests = treestat.tree_digests(root)
    assert digests is not None
    return checkcache.unchanged_for_checks(root, digests, declared_not_installed(root))


def answered_as_in_full(root: Path, capsys: pytest.CaptureFixture[str]) -> bool:
    """Whether the last full check's answer stands for the files as they are now; when it does, a check
    without the cache says exactly that: the status, every diagnostic and the number of files."""
    found = unchanged(root)
    truth = check(root, capsys, "--no-cache")
    if found is None:
        return False
    rendered = "".join(d.render() + "\n" for d in found[1])
    assert (1 if any(d.severity == "error" for d in found[1]) else 0, rendered) == truth[:2]
    assert truth[2].startswith(f"{found[0]} files checked")
    return True


class Tally:
    """Random edits weighed one by one: how many the light comparison answered (each equal to a check without
    the cache, :func:`answered_as_in_full`), how many of those without a model, and how many ran in full."""

    def __init__(self) -> None:
        self.answered = self.quick = self.full = 0

    def weigh(self, root: Path, capsys: pytest.CaptureFixture[str]) -> bool:
        light = answered_as_in_full(root, capsys)
        self.answered += light
        self.quick += light and shown_without_a_model(root)
        self.full += not light
        return light

    @property
    def counts(self) -> tuple[int, int, int]:
        return self.answered, self.quick, self.full


def full_answer(root: Path) -> bytes:
    return (root / ".git/ctb/check-files").read_bytes()


def shown_without_a_model(root: Path) -> bool:
    """Whether a fresh Python shows the last full check still standing, importing neither pydantic nor a model."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from ctb_files.storage import checkcache, treestat\n"
        "from ctb_files.storage.gitattributes import declared_not_installed\n"
        "root = Path(sys.argv[1])\n"
        "found = checkcache.unchanged_for_checks(root, treestat.tree_digests(root), declared_not_installed(root))\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic' or m.startswith('ctb_files.core.models'))\n"
        "print(found is not None, heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, check=True)
    return done.stdout == "True []\n"


def world(name: str, tmp_path: Path) -> Path:
    if name == "example":
        return EXAMPLE
    return generate_mixed(tmp_path / "mixed", parts=300, builds=12, projects=3, rows=30)


def spared_world(name: str, tmp_path: Path, spares: int, rng: random.Random, none: int = 1) -> Path:
    """A copy of :func:`world` to edit, with ``spares`` parts named nothing by the world, each naming as
    equivalents none (``none`` chances in ``none + 2``), one or two of the parts before it, in a git repository."""
    root = tmp_path / "inv"
    if name == "example":
        shutil.copytree(EXAMPLE, root)
    else:
        root = world(name, tmp_path)
    ids = sorted(path.stem for path in (root / "parts").iterdir())
    for i in range(spares):
        others = rng.sample([*ids, *(f"spare-{j}" for j in range(i))], rng.choice([0] * none + [1, 2]))
        (root / "parts" / f"spare-{i}.yaml").write_text(f"name: spare {i}\nequivalents: [{', '.join(others)}]\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def hidden(root: Path, kind: str, name: str, value: object) -> Inventory:
    """The inventory at ``root`` with field ``name`` of every file of ``kind`` set to ``value``."""
    inv = load_repo(root, cache=False).inventory
    models = getattr(inv, TABLES[kind]).values()
    assert models, (root, kind)
    for model in models:
        object.__setattr__(model, name, value)
    return inv


def cleared(inv: Inventory) -> list[tuple[str, str, str, str, object]]:
    """What a clear of every open build prints and writes (at a fixed moment): table cell, JSON, fields."""
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    coming = on_order_by_build(inv)
    builds = dict(inv.builds)
    return [
        (bid, plan.status, shortage_summary(plan.shortages, f"ctb build show {bid}"), build_json_text(bid, plan),
         cleared_fields(builds[bid], plan, moment, coming.get(bid, {})))
        for bid, plan in clear_each(inv)
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["example", "mixed"])
def test_no_check_reads_a_field_listed_as_unread(name: str, tmp_path: Path) -> None:
    """Every check, with the unread fields made unreadable and then absent, says word for word the same."""
    root = world(name, tmp_path)
    expected = run_checks(load_repo(root, cache=False).inventory)
    for kind, fields in UNREAD.items():
        for field in fields:
            info = KINDS[kind].model_fields[field]
            assert info.alias in (None, field), (kind, field)  # the key in the file is the field's name
            for value in (_Unreadable(), None):
                found = run_checks(hidden(root, kind, field, value))
                assert [d.render() for d in found] == [d.render() for d in expected], (kind, field, value)


@pytest.mark.parametrize("name", ["example", "mixed"])
def test_no_check_reads_a_field_listed_as_unchecked(name: str, tmp_path: Path) -> None:
    """Every check, with the fields only a clear reads made unreadable and then absent, says the same.

    On cleared builds, so that reservations, shortages and their times are there to be read.
    """
    from ctb_files.core.unread import UNCHECKED

    root = world(name, tmp_path)
    if name == "example":
        root = shutil.copytree(root, tmp_path / "example")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    main(["--repo", str(root), "--no-cache", "build", "clear", "--all", "-q"])
    expected = run_checks(load_repo(root, cache=False).inventory)
    exercised = set()
    for kind, fields in UNCHECKED.items():
        if not getattr(load_repo(root, cache=False).inventory, TABLES[kind]):
            continue  # the mixed stockroom has no packages
        exercised.add(kind)
        for field in fields:
            info = KINDS[kind].model_fields[field]
            assert info.alias in (None, field), (kind, field)
            for value in (_Unreadable(), None):
                found = run_checks(hidden(root, kind, field, value))
                assert [d.render() for d in found] == [d.render() for d in expected], (kind, field, value)
    assert exercised == UNCHECKED.keys() - ({"package"} if name == "mixed" else set())


@pytest.mark.parametrize("name", ["example", "mixed"])
def test_no_clear_reads_a_field_listed_as_unread(name: str, tmp_path: Path) -> None:
    """Clearing every open build plans, prints and writes the same with the unread fields unreadable or absent.

    Build files are left out: a clear after any edit of one runs in full.
    """
    root = world(name, tmp_path)
    expected = cleared(load_repo(root, cache=False).inventory)
    assert expected
    for kind, fields in UNREAD.items():
        for field in fields if kind != "build" else ():
            for value in (_Unreadable(), None):
                assert cleared(hidden(root, kind, field, value)) == expected, (kind, field, value)


def test_an_edit_of_unread_fields_and_comments_answers_from_the_last_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = check(repo, capsys)
    assert first[0] == 1 and first[1] == "parts/r-1k.yaml:2:1: CTB102 bogus: unknown key 'bogus'\n"
    assert first[2] == "51 files checked: 1 error, 0 warnings\n"
    kept = full_answer(repo)
    part = repo / "parts/r-10k.yaml"
    part.write_text(part.read_text() + "notes: moved to drawer B\ndescription: |\n  two lines\n  of text\n")
    stock = repo / "stock/shelf.yaml"
    stock.write_text("# counted on Monday\n" + stock.read_text().replace("\n", "   \n", 3))
    build = repo / "builds/vco-batch-1.yaml"
    build.write_text(build.read_text().replace("note: Two for the meet table", "note: Three for the meet table"))
    found = unchanged(repo)
    assert found is not None and found[0] == 51
    assert [d.render() for d in found[1]] == ["parts/r-1k.yaml:2:1: CTB102 bogus: unknown key 'bogus'"]
    assert check(repo, capsys) == first
    assert full_answer(repo) == kept  # answered without a full check
    assert check(repo, capsys, "--no-cache") == first
    # and again after a second edit of the same file
    part.write_text(part.read_text().replace("drawer B", "drawer C"))
    assert check(repo, capsys) == first and full_answer(repo) == kept


@pytest.mark.parametrize(
    ("path", "edit", "line"),
    [
        # a field a check reads
        ("parts/r-1m.yaml", "equivalents: [no-such-part]\n", "parts/r-1m.yaml:"),
        # an unread field of the wrong type: the file does not load
        ("parts/r-10k.yaml", "notes: [1, 2]\n", "parts/r-10k.yaml:"),
        # an unread field of a kind that has no such field
        ("packages/r-axial-0207.yaml", "notes: x\n", "packages/r-axial-0207.yaml:"),
        # the file with the error
        ("parts/r-1k.yaml", "notes: x\n", "parts/r-1k.yaml:2:1: CTB102"),
        # the settings
        ("ctb.yaml", "# only a comment, but the settings decide how every file reads\n", None),
    ],
)
def test_an_edit_a_check_may_see_is_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str], path: str, edit: str, line: str | None
) -> None:
    check(repo, capsys)
    kept = full_answer(repo)
    target = repo / path
    assert target.is_file()
    target.write_text(target.read_text() + edit)
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache")
    if line is not None:
        assert line in now[1]
    assert full_answer(repo) != kept  # a full check ran and kept its own answer


def test_an_edit_where_something_reads_is_never_validated_twice(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The light comparison that finds a read field changed, or a file that no longer parses, settles it."""
    from ctb_files.storage import loader

    check(repo, capsys)
    stock = repo / "stock/drawer-a.yaml"
    original = stock.read_text()
    with monkeypatch.context() as patched:
        patched.setattr(loader, "load_alone", lambda *args: pytest.fail("validated"))
        for text in (original.replace("{part: r-1k, quantity: 60, bin: A3}", "{part: r-1k, quantity: 60, bin: A9}"),
                     original + "]\n"):  # fmt: skip
            assert text != original
            stock.write_text(text)
            assert unchanged(repo) is None
    assert check(repo, capsys) == check(repo, capsys, "--no-cache")


def test_a_number_written_otherwise_is_checked_in_full(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``60`` and ``60.0`` are equal numbers, but messages print them as written: not the same data."""
    check(repo, capsys)
    stock = repo / "stock/drawer-a.yaml"
    stock.write_text(stock.read_text().replace("{part: r-1k, quantity: 60,", "{part: r-1k, quantity: 60.0,"))
    assert unchanged(repo) is None
    assert check(repo, capsys) == check(repo, capsys, "--no-cache")


def test_without_the_files_data_in_the_cache_the_check_runs_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    check(repo, capsys)
    (repo / ".git/ctb/cache").unlink()
    part = repo / "parts/r-10k.yaml"
    part.write_text(part.read_text() + "notes: x\n")
    assert unchanged(repo) is None
    assert check(repo, capsys) == check(repo, capsys, "--no-cache")


@pytest.mark.parametrize("path", ["light", "validated"])
def test_a_failure_while_comparing_means_a_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    from ctb_files.storage import loader
    from ctb_files.storage.yaml import read

    first = check(repo, capsys)
    part = repo / "parts/r-10k.yaml"
    part.write_text(part.read_text() + "notes: x\n")
    assert unchanged(repo) is not None

    def broken(*args: object) -> None:
        raise RecursionError("deep")

    if path == "validated":  # the light comparison finds nothing to say, the validating one fails
        monkeypatch.setattr(edits, "_text_only", lambda *args: None)
        assert unchanged(repo) is not None
        monkeypatch.setattr(loader, "load_alone", broken)
    else:
        monkeypatch.setattr(read, "load_fast", broken)
    assert unchanged(repo) is None
    assert check(repo, capsys) == first


def test_an_edit_of_text_is_shown_unchanged_without_a_model(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The light comparison alone answers: the validating one is never asked, and no model is imported."""
    first = check(repo, capsys)
    part = repo / "parts/r-10k.yaml"
    part.write_text(part.read_text() + "notes: moved\ndatasheet: null\n")
    stock = repo / "stock/drawer-a.yaml"
    stock.write_text(stock.read_text().replace("name: Drawer A\n", ""))  # gone: the model's default
    assert shown_without_a_model(repo)
    assert check(repo, capsys) == first


def test_a_parts_value_symbol_minimum_and_placeholder_flag_are_unread(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text, a whole minimum and a flag are shown unchanged without validating; a field of no shape is validated."""
    from ctb_files.storage import loader

    first = check(repo, capsys)
    kept = full_answer(repo)
    part = repo / "parts/r-10k.yaml"
    original = part.read_text()
    validated: list[str] = []
    real = loader.load_alone

    def counting(inv: Inventory, rel: str, key: object, data: bytes) -> object:
        validated.append(rel)
        return real(inv, rel, key, data)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_alone", counting)
    part.write_text(original.replace("value: 10k\nsymbol: R\n", "value: 10 kΩ\nsymbol: R_Small\n"))
    assert unchanged(repo) is not None and validated == []
    part.write_text(original + "min_stock: 50\n")  # a whole number: a count its model takes
    assert unchanged(repo) is not None and validated == []
    part.write_text(original + "min_stock: 50\nplaceholder: true\n")  # a flag: true or false
    assert unchanged(repo) is not None and validated == []
    part.write_text(original)
    order = repo / "orders/mouser-open.yaml"  # an order's currency, which no check reads, of a plain pattern
    order.write_text(order.read_text().replace("currency: USD\n", "currency: EUR\n"))
    assert unchanged(repo) is not None and validated == []
    order.write_text(order.read_text().replace("currency: EUR\n", "currency: 'EUR'\n"))  # text, quoted: the same
    assert unchanged(repo) is not None and validated == []
    assert check(repo, capsys) == first and full_answer(repo) == kept
    part.write_text(original + "min_stock: lots\n")
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache")
    assert now[1].startswith(
        "parts/r-10k.yaml:28:12: CTB101 min_stock: a quantity is a number: write it without quotes\n"
    )


def test_fields_only_a_clear_reads_are_shown_unchanged_to_a_check_without_a_model(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A build's quantity, priority and dates, a part's name, a package's technology: a check does not read them."""
    first = check(repo, capsys)
    kept = full_answer(repo)
    build = repo / "builds/vco-batch-1.yaml"
    build.write_text(
        build.read_text()
        .replace("quantity: 3\n", "quantity: 5\n")
        .replace("priority: 0\n", "priority: -2\n")
        .replace("due: 2026-12-01\n", "due: 2027-01-15\ncreated_at: 2026-11-30T10:00:00Z\n")
    )
    part = repo / "parts/r-10k.yaml"
    part.write_text(part.read_text().replace("name: 10k resistor, 1/4 W metal film", "name: 10k resistor"))
    package = repo / "packages/r-axial-0207.yaml"
    assert "technology: tht" in package.read_text()
    package.write_text(package.read_text().replace("technology: tht", "technology: unknown"))
    assert shown_without_a_model(repo)
    assert check(repo, capsys) == first and full_answer(repo) == kept
    assert check(repo, capsys, "--no-cache") == first


@pytest.mark.parametrize(
    ("path", "before", "after", "said"),
    [
        (
            "builds/vco-batch-1.yaml",
            "quantity: 3\n",
            "quantity: 0\n",
            "6:11: CTB104 quantity: Input should be greater than 0",
        ),
        (
            "builds/vco-batch-1.yaml",
            "quantity: 3\n",
            "quantity: 2.5\n",
            "6:11: CTB101 quantity: a build quantity is a whole number of units",
        ),
        ("builds/vco-batch-1.yaml", "quantity: 3\n", "", "4:1: CTB103 quantity: required key is missing"),
        (
            "builds/vco-batch-1.yaml",
            "priority: 0\n",
            "priority: high\n",
            "7:11: CTB101 priority: Input should be a valid integer, unable to parse string as an integer",
        ),
        (
            "builds/vco-batch-1.yaml",
            "due: 2026-12-01\n",
            "due: soon\n",
            "8:6: CTB101 due: Input should be a valid date or datetime, input is too short",
        ),
        (
            "parts/r-10k.yaml",
            "name: 10k resistor, 1/4 W metal film\n",
            "name: ''\n",
            "3:7: CTB101 name: String should have at least 1 character",
        ),
        (
            "packages/r-axial-0207.yaml",
            "technology: tht",
            "technology: THT",
            "3:13: CTB101 technology: Input should be 'smd', 'tht' or 'unknown'",
        ),
    ],
)
def test_a_value_the_model_may_refuse_is_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str], path: str, before: str, after: str, said: str
) -> None:
    check(repo, capsys)
    target = repo / path
    text = target.read_text()
    assert text.count(before) == 1
    target.write_text(text.replace(before, after))
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache")
    assert f"{path}:{said}\n" in now[1], now


def test_the_light_comparison_reads_with_the_full_runs_limits(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ctb_files.storage import loader

    settings = repo / "ctb.yaml"
    settings.write_text(settings.read_text() + "limits: {string: 100, name: 50}\n")
    first = check(repo, capsys)
    part = repo / "parts/r-10k.yaml"
    stock = repo / "stock/drawer-a.yaml"
    originals = {path: path.read_text() for path in (part, stock)}

    def never(*args: object) -> None:
        raise AssertionError("validated: the light comparison should have answered")

    with monkeypatch.context() as patched:
        patched.setattr(loader, "load_alone", never)
        part.write_text(originals[part] + "notes: " + "n" * 100 + "\n")  # at the limits
        stock.write_text(originals[stock].replace("name: Drawer A", "name: " + "d" * 50))
        found = unchanged(repo)
        assert found is not None and [d.render() for d in found[1]] == [first[1].rstrip("\n")]
    assert check(repo, capsys) == first
    cases = [
        (part, originals[part] + "notes: " + "n" * 101 + "\n", "CTB013 a value of 101 characters"),
        (
            stock,
            originals[stock].replace("name: Drawer A", "name: " + "d" * 51),
            "CTB013 name: a name of 51 characters",
        ),
    ]
    for path, text, message in cases:
        for other, original in originals.items():
            other.write_text(original)
        check(repo, capsys)
        path.write_text(text)
        assert unchanged(repo) is None
        now = check(repo, capsys)
        assert now == check(repo, capsys, "--no-cache")
        assert message in now[1]


def test_after_settings_that_did_not_load_every_edit_is_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = repo / "ctb.yaml"
    settings.write_text(settings.read_text().replace("equivalence_depth: 5", "equivalence_depth: deep"))
    first = check(repo, capsys)
    assert "ctb.yaml:" in first[1]
    found = unread.kept(repo / ".git/ctb/check-files", checkcache.FULL_MAGIC)
    assert found is not None and found.facts is None
    part = repo / "parts/r-10k.yaml"
    part.write_text(part.read_text() + "notes: x\n")
    assert unchanged(repo) is None
    assert check(repo, capsys) == first == check(repo, capsys, "--no-cache")


def test_the_unread_fields_each_model_takes_as_any_text() -> None:
    from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

    from ctb_files.core.unread import ANY_TEXT, Shape, light, text_fields

    # every unread field of ours is `str | None = None` but a part's minimum stock (a count) and placeholder flag
    shapes = light("clear")
    assert {kind: set(found) for kind, found in shapes.items()} == {kind: set(names) for kind, names in UNREAD.items()}
    count = Shape("count", required=False, nullable=True, least=0, below=10**15)
    assert shapes["part"].pop("min_stock") == count
    assert shapes["part"].pop("placeholder") == Shape("bool", required=False, nullable=False)
    assert all(shape == ANY_TEXT for found in shapes.values() for shape in found.values())

    class Free(BaseModel):
        notes: str | None = None
        url: str | None = Field(default=None, description="for people")
        bounded: str | None = Field(default=None, max_length=5)
        required: str
        text_or_number: str | int | None = None
        aliased: str | None = Field(default=None, alias="Aliased")
        checked: str | None = None

        @field_validator("checked")
        @classmethod
        def _checked(cls, value: str | None) -> str | None:
            return value

    names = ("notes", "url", "bounded", "required", "text_or_number", "aliased", "checked", "missing")
    assert text_fields(Free, names) == {"notes", "url"}

    class After(BaseModel):
        notes: str | None = None

        @model_validator(mode="after")
        def _whole(self) -> After:
            return self

    class Before(BaseModel):
        notes: str | None = None

        @model_validator(mode="before")
        @classmethod
        def _whole(cls, data: Any) -> Any:
            return data

    class Stripped(BaseModel):
        model_config = ConfigDict(str_strip_whitespace=True)
        notes: str | None = None

    for model in (After, Before, Stripped):
        assert text_fields(model, ["notes"]) == frozenset(), model


def test_the_shapes_read_off_the_models_for_a_check() -> None:
    """Fields no check reads, in the shapes their models take them: exactly these, read off the compiled schemas."""
    from ctb_files.core.unread import UNCHECKED, Shape, light

    text = Shape("str", required=False, nullable=True)
    name = Shape("str", required=True, nullable=False, least=1)
    moment = Shape("datetime", required=False, nullable=True)
    day = Shape("date", required=False, nullable=True)
    shapes = light("check")
    assert shapes["build"] == {
        "note": text, "quantity": Shape("count", required=True, nullable=False, least=1, below=10**15),
        "priority": Shape("int", required=False, nullable=False), "due": day,
        "created_at": moment, "cleared_at": moment, "completed_at": moment,
    }  # fmt: skip
    assert shapes["part"] == {n: text for n in ("notes", "description", "datasheet", "value", "symbol")} | {
        "name": name, "min_stock": Shape("count", required=False, nullable=True, least=0, below=10**15),
        "placeholder": Shape("bool", required=False, nullable=False),
    }  # fmt: skip
    currency = Shape("str", required=False, nullable=True, pattern="^[A-Z]{3}$")
    assert shapes["order"] == {
        "number": text, "expected": day, "created_at": moment, "placed_at": moment, "received_at": moment,
        "currency": currency,
    }  # fmt: skip
    assert shapes["package"] == {
        "name": name, "technology": Shape("literal", False, False, choices=("smd", "tht", "unknown")),
        "footprints": Shape("texts", required=False, nullable=False),
    }  # fmt: skip
    assert shapes["vendor"] == {
        "notes": text, "url": text, "api": Shape("literal", False, True, choices=("mouser",)), "currency": currency,
    }  # fmt: skip
    assert set(shapes["project"]) == {"name", "description", "bom_path", "bom_format"}  # source: a model, validated
    assert shapes["stock"] == {"name": text}
    assert UNCHECKED.keys() <= shapes.keys()
    # fields of a stock line no check reads, read off the record's schema; a BOM row has a validator of
    # the whole row, so none of its fields is taken without it here (``new_row_fields`` reads under it)
    from ctb_files.core.models.project import BomRow
    from ctb_files.core.unread import item_light, record_fields

    sku = Shape("str", required=True, nullable=False, least=1)
    limit = 10**15
    price_break = (
        ("quantity", Shape("count", required=True, nullable=False, least=1, below=limit)),
        ("price", Shape("decimal", required=True, nullable=False, least=0, below=limit)),
    )
    assert item_light() == {
        "stock": {"counted_at": day, "note": text},
        "part": {n: text for n in ("mpn", "manufacturer", "description", "url", "availability", "lead_time")}
        | {"sku": sku, "fetched_at": moment, "price_breaks": Shape("records", False, False, fields=price_break)}
        | {n: Shape("from", required=False, nullable=True, least=1) for n in ("min_order", "multiple")}
        | {"currency": currency},
    }
    assert record_fields(BomRow, ["value", "quantity", "description"]) == {}


@pytest.mark.parametrize(
    ("shape", "present", "value", "taken"),
    [
        (("str", False, True), True, "x", True),
        (("str", False, True), True, None, True),
        (("str", False, True), False, None, True),
        (("str", False, True), True, 5, False),
        (("str", False, True), True, "\ud800", False),  # a lone surrogate UTF-8 cannot write
        (("str", True, False, 1), True, "", False),
        (("str", True, False, 1), False, None, False),
        (("int", False, False), True, 7, True),
        (("int", False, False), True, True, False),
        (("int", False, False), True, None, False),
        (("date", False, True), True, datetime(2026, 1, 2, tzinfo=UTC), False),
        (("date", False, True), True, datetime(2026, 1, 2, tzinfo=UTC).date(), True),
        (("datetime", False, True), True, datetime(2026, 1, 2, tzinfo=UTC), True),
        (("datetime", False, True), True, "2026-01-02", False),
        (("literal", False, False, 0, 0, ("smd", "tht")), True, "tht", True),
        (("literal", False, False, 0, 0, ("smd", "tht")), True, "THT", False),
        (("count", True, False, 1, 10), True, 9, True),
        (("count", True, False, 1, 10), True, 10, False),
        (("count", True, False, 1, 10), True, 0, False),
        (("count", True, False, 1, 10), True, Decimal(3), False),
        (("from", False, True, 1), True, 1, True),
        (("from", False, True, 1), True, 10**20, True),
        (("from", False, True, 1), True, 0, False),
        (("from", False, True, 1), True, True, False),
        (("from", False, True, 1), True, "5", False),
        (("from", False, True, 1), True, None, True),
        (("decimal", True, False, 0, 10), True, "0.45", True),
        (("decimal", True, False, 0, 10), True, "9.999", True),
        (("decimal", True, False, 0, 10), True, "10", False),
        (("decimal", True, False, 0, 10), True, 3, True),
        (("decimal", True, False, 0, 10), True, True, False),
        (("decimal", True, False, 0, 10), True, "1e3", False),
        (("decimal", True, False, 0, 10), True, "-1", False),
        (("decimal", True, False, 0, 10), True, " 1", False),
        (("decimal", True, False, 0, 10), True, "1.", False),
        (("decimal", True, False, 0, 10), True, 0.5, False),  # a float: the model's to read
        (("decimal", True, False, 0, 10), True, "\u0661", False),  # a digit, but not an ASCII one
    ],
)
def test_which_values_a_shape_takes(shape: tuple[Any, ...], present: bool, value: object, taken: bool) -> None:
    from ctb_files.core.unread import Shape, takes

    assert takes(Shape(*shape), present, value) is taken


def test_a_damaged_full_answer_is_ignored(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = check(repo, capsys)
    path = repo / ".git/ctb/check-files"
    blob = path.read_bytes()
    path.write_bytes(blob[:-5] + bytes([blob[-5] ^ 0xFF]) + blob[-4:])
    part = repo / "parts/r-10k.yaml"
    part.write_text(part.read_text() + "notes: x\n")
    assert unchanged(repo) is None
    assert check(repo, capsys) == first
    assert path.read_bytes() != blob[:-5] + bytes([blob[-5] ^ 0xFF]) + blob[-4:]  # rewritten whole


def test_same_data_means_same_types_order_and_writing() -> None:
    same = unread.same
    assert same({"a": [1, "x", None], "b": Decimal("1.5")}, {"a": [1, "x", None], "b": Decimal("1.5")})
    assert not same({"q": Decimal("1.0")}, {"q": Decimal("1.00")})
    assert not same({"q": True}, {"q": 1})
    assert not same({"q": 1}, {"q": Decimal(1)})
    assert not same({"a": 1, "b": 2}, {"b": 2, "a": 1})
    assert not same({"a": [1, 2]}, {"a": [1, 2, 3]})


def clear(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    status = main(["--repo", str(root), "build", "clear", "--all", *extra])
    out = capsys.readouterr()
    return status, out.out, out.err


def unchanged_clear(root: Path) -> clearcache.Answer | None:
    digests = treestat.tree_digests(root)
    assert digests is not None
    return clearcache.unchanged_for_clear(root, digests, None)


def builds(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "builds").iterdir())}


def full_clear(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[tuple[int, str, str], bytes, dict[str, bytes]]:
    """A clear of the cleared example (it writes nothing), its kept answer, and the build files."""
    first = clear(root, capsys)
    assert [line.split()[:2] for line in first[1].splitlines()[2:]] == [
        ["vco-batch-1", "short"],
        ["vco-batch-2", "short"],
    ]
    return first, (root / ".git/ctb/clear-files").read_bytes(), builds(root)


def answered_from_the_kept_clear(
    root: Path, capsys: pytest.CaptureFixture[str], kept: tuple[tuple[int, str, str], bytes, dict[str, bytes]]
) -> None:
    """A clear now says what the full one did, without a full clear, writing nothing; as one without the cache."""
    first, answer, written = kept
    assert clear(root, capsys) == first
    assert (root / ".git/ctb/clear-files").read_bytes() == answer  # answered without a full clear
    assert builds(root) == written
    assert clear(root, capsys, "--no-cache") == first and builds(root) == written


def test_a_clear_after_an_edit_of_unread_fields_answers_from_the_last_full_clear(
    cleared_repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ctb_files.storage import loader

    root = cleared_repo
    kept = full_clear(root, capsys)
    first = kept[0]
    assert first[0] == 0 and first[1].splitlines()[0].split() == ["build", "status", "reserved", "short"]
    part = root / "parts/r-10k.yaml"
    part.write_text(part.read_text() + "notes: moved to drawer B\n")
    stock = root / "stock/shelf.yaml"
    stock.write_text(stock.read_text().replace("name: Shelf", "name: Top shelf"))
    bom = next((root / "projects/vco/bom").iterdir())
    bom.write_text("# checked against the schematic\n" + bom.read_text())
    with monkeypatch.context() as patched:  # shown without validating a file (the light comparison)
        patched.setattr(loader, "load_alone", lambda *args: pytest.fail("validated"))
        assert unchanged_clear(root) is not None
    answered_from_the_kept_clear(root, capsys, kept)


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ("builds/vco-batch-2.yaml", "note: Two", "note: Three"),  # a clear writes build files: never taken
        ("stock/drawer-a.yaml", "{part: r-1k, quantity: 60,", "{part: r-1k, quantity: 6,"),  # read by the engine
        ("parts/r-10k.yaml", "name: 10k resistor", "name: 10k"),  # not listed as unread
    ],
)
def test_a_clear_after_an_edit_it_may_see_runs_in_full(
    cleared_repo: Path, capsys: pytest.CaptureFixture[str], path: str, old: str, new: str
) -> None:
    root = cleared_repo
    clear(root, capsys)
    target = root / path
    assert old in target.read_text()
    target.write_text(target.read_text().replace(old, new))
    assert unchanged_clear(root) is None
    # a copy cleared without any cache says and writes the same
    twin = root.parent / "twin"
    shutil.copytree(root, twin)
    shutil.rmtree(twin / ".git/ctb", ignore_errors=True)
    assert clear(root, capsys) == clear(twin, capsys, "--no-cache")
    assert timeless(builds(root)) == timeless(builds(twin))


def timeless(found: dict[str, bytes]) -> dict[str, bytes]:
    """Build files with the clearing time blanked: two clears a second apart write different seconds."""
    return {name: re.sub(rb"cleared_at: [^\n]*", b"cleared_at: -", data) for name, data in found.items()}
