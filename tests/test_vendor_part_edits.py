"""``ctb check`` and ``ctb build clear`` after an edit of a part's vendor parts.

A check reads only each one's vendor (CTB203), a clear none of them.

A SKU, an MPN, prices and the rest are read by orders and costing, never by
a check, so after an edit of only those the last full check stands: shown
without a model when each changed value is of a shape its record takes
(text, a moment, price breaks), after validating the file when not (a
currency, an order minimum).  Everything else runs in full.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from pathlib import Path

import pytest

from bench.gen import generate_mixed
from ctb_files.checks import run_checks
from ctb_files.cli import main
from ctb_files.core.unread import ITEM_UNREAD
from ctb_files.storage.loader import load_repo
from tests.test_recheck import (
    _Unreadable,
    answered_from_the_kept_clear,
    check,
    clear,
    cleared,
    full_answer,
    full_clear,
    shown_without_a_model,
    unchanged,
    unchanged_clear,
)
from tests.test_recheck import world as uncleared

EXAMPLE = Path(__file__).resolve().parent.parent / "example-inventory"
PART = "parts/r-10k.yaml"
# the lists and their items, by kind of file, as the inventory holds them
LISTS = {"stock": ("stock", "lines"), "part": ("parts", "vendor_parts")}


@pytest.fixture()
def repo(one_build_cleared: Path) -> Path:
    """The example with its build cleared (``tests/conftest.py``)."""
    return one_build_cleared


def edit(root: Path, before: str, after: str) -> None:
    path = root / PART
    text = path.read_text()
    assert text.count(before) == 1, before
    path.write_text(text.replace(before, after))


def world(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    if name == "example":
        root = tmp_path / "example"
        shutil.copytree(EXAMPLE, root)
    else:
        root = generate_mixed(tmp_path / "mixed", parts=300, builds=12, projects=3, rows=30)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    main(["--repo", str(root), "build", "clear", "--all", "-q"])
    capsys.readouterr()
    return root


@pytest.mark.parametrize("name", ["example", "mixed"])
def test_no_check_reads_an_items_field_listed_as_unchecked(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every check says word for word the same with each listed item field unreadable, and absent."""
    root = world(name, tmp_path, capsys)
    expected = [d.render() for d in run_checks(load_repo(root, cache=False).inventory)]
    assert ITEM_UNREAD.keys() == LISTS.keys()
    for kind, (listed, names) in ITEM_UNREAD.items():
        table, field = LISTS[kind]
        assert field == listed
        for name_ in sorted(names):
            for value in (_Unreadable(), None):
                inv = load_repo(root, cache=False).inventory
                items = [item for model in getattr(inv, table).values() for item in getattr(model, field)]
                assert items, (kind, field)
                for item in items:
                    object.__setattr__(item, name_, value)
                assert [d.render() for d in run_checks(inv)] == expected, (kind, name_, value)


def test_a_vendor_parts_sku_and_text_answer_without_a_model(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = check(repo, capsys)
    assert first == (0, "", "51 files checked: 0 errors, 0 warnings\n")
    kept = full_answer(repo)
    edit(repo, "sku: 603-MFR-25FBF52-10K", "sku: 603-MFR-25FBF52-10K-T")
    assert shown_without_a_model(repo)
    edit(repo, "manufacturer: Yageo", "manufacturer: Yageo Corp.\n    availability: 1,204 in stock")
    edit(repo, "fetched_at: 2025-10-14T09:12:00Z", "fetched_at: 2026-12-01T08:00:00Z")
    edit(repo, "mpn: MFR-25FBF52-10K", "mpn: null")
    assert shown_without_a_model(repo)
    assert check(repo, capsys) == first and full_answer(repo) == kept
    assert check(repo, capsys, "--no-cache") == first


def test_a_vendor_parts_prices_answer_without_a_model(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Price breaks are records of a whole quantity and a decimal price, both of shapes told without the model."""
    first = check(repo, capsys)
    kept = full_answer(repo)
    edit(repo, '{quantity: 1, price: "0.10"}', '{quantity: 1, price: "0.12"}')
    assert shown_without_a_model(repo)
    edit(repo, '      - {quantity: 1000, price: "0.004"}\n', "")
    edit(repo, '{quantity: 10, price: "0.034"}', "{quantity: 25, price: 1}")
    assert shown_without_a_model(repo)
    assert check(repo, capsys) == first and full_answer(repo) == kept
    assert check(repo, capsys, "--no-cache") == first


def test_an_order_minimum_and_a_currency_answer_without_a_model(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An order minimum is a whole number from 1, and a currency three capitals (its plain pattern), both told
    without the model; a price the model reads from other text is validated."""
    first = check(repo, capsys)
    kept = full_answer(repo)
    edit(repo, "min_order: 10", "min_order: 25")
    edit(repo, "multiple: 10", "multiple: 5")
    assert shown_without_a_model(repo)
    edit(repo, "multiple: 5", "multiple: 5\n    currency: EUR")
    assert unchanged(repo) is not None
    assert shown_without_a_model(repo)
    edit(repo, '{quantity: 1, price: "0.10"}', '{quantity: 1, price: "1e-1"}')  # text the model reads, not plain
    assert unchanged(repo) is not None
    assert not shown_without_a_model(repo)
    assert check(repo, capsys) == first and full_answer(repo) == kept
    assert check(repo, capsys, "--no-cache") == first


R10K = "builds/vco-batch-1.yaml:93:36: CTB304 reservations[15].take[1].part: takes 'r-10k-vishay' for 'r-10k', which is neither equivalent nor the build's fallback for it (warning)\n"  # noqa: E501


@pytest.mark.parametrize(
    ("before", "after", "said", "summary"),
    [
        (
            "sku: 603-MFR-25FBF52-10K",
            'sku: ""',
            "parts/r-10k.yaml:19:10: CTB101 vendor_parts[1].sku: String should have at least 1 character\n" + R10K,
            "1 error, 1 warning",
        ),
        (
            'price: "0.10"',
            'price: "abc"',
            "parts/r-10k.yaml:23:30: CTB101 vendor_parts[1].price_breaks[0].price: Input should be a valid decimal\n"
            + R10K,
            "1 error, 1 warning",
        ),
        (
            "min_order: 10",
            "min_order: 0",
            "parts/r-10k.yaml:12:16: CTB101 vendor_parts[0].min_order: Input should be greater than or equal to 1\n"
            + R10K,
            "1 error, 1 warning",
        ),
        (
            "fetched_at: 2025-10-14T09:12:00Z",
            "fetched_at: soon",
            "parts/r-10k.yaml:27:17: CTB101 vendor_parts[1].fetched_at: Input should be a valid datetime or date, input "
            "is too short\n" + R10K,
            "1 error, 1 warning",
        ),
        (
            "vendor: tayda",
            "vendor: nobody",
            "parts/r-10k.yaml:10:13: CTB203 vendor_parts[0].vendor: unknown vendor 'nobody'\n",
            "1 error, 0 warnings",
        ),  # fmt: skip
        ("vendor: tayda", "vendor: mouser", "", "0 errors, 0 warnings"),  # the vendor is read: run in full
        (
            "  - vendor: tayda\n    sku: A-2115\n",
            "  - vendor: tayda\n    sku: A-2115\n    bogus: 1\n",
            "parts/r-10k.yaml:12:5: CTB102 vendor_parts[0].bogus: unknown key 'bogus'\n" + R10K,
            "1 error, 1 warning",
        ),  # fmt: skip
    ],
)
def test_a_vendor_part_edit_a_check_may_object_to_is_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str], before: str, after: str, said: str, summary: str
) -> None:
    check(repo, capsys)
    edit(repo, before, after)
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache")
    assert now == (
        1 if "error" in summary and not summary.startswith("0 ") else 0,
        said,
        f"51 files checked: {summary}\n",
    )


def test_a_vendor_part_added_or_removed_is_checked_in_full(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = check(repo, capsys)
    path = repo / PART
    text = path.read_text()
    start = text.index("  - vendor: mouser")
    path.write_text(text[:start])  # the mouser part removed
    assert unchanged(repo) is None
    assert check(repo, capsys) == check(repo, capsys, "--no-cache") == first
    path.write_text(text + "  - {vendor: tayda, sku: A-9999}\n")  # one added
    assert unchanged(repo) is None
    assert check(repo, capsys) == check(repo, capsys, "--no-cache") == first


PRICES: list[object] = ["0.45", "12", "000.5", "0", "9" * 15, 5, 0, "1e3", "+1", " 1", "1.", ".5", "abc", "-1",
                        "1_0", "9" * 16, -1, True, 10**15, 0.5, None, "\u0661"]  # fmt: skip
COUNTS: list[object] = [1, 7, 0, "1", 2.5, 10**15, True]


def test_what_a_price_breaks_shape_takes_the_model_takes() -> None:
    """Every list of price breaks the shape claims, the vendor part's record validates; these exactly are claimed."""
    from pydantic import ValidationError

    from ctb_files.core.models.common import record_adapter
    from ctb_files.core.models.part import VendorPart
    from ctb_files.core.unread import item_light, takes

    shape = item_light()["part"]["price_breaks"]
    adapter = record_adapter(VendorPart)
    claimed = []
    for price in PRICES:
        for count in COUNTS:
            breaks = [{"quantity": count, "price": price}]
            if takes(shape, True, breaks):
                claimed.append((count, price))
                adapter.validate_python({"vendor": "x", "sku": "s", "price_breaks": breaks})  # never raises
            else:
                with contextlib.suppress(ValidationError):
                    adapter.validate_python({"vendor": "x", "sku": "s", "price_breaks": breaks})
    assert claimed == [(count, price) for price in ("0.45", "12", "000.5", "0", "9" * 15, 5, 0) for count in (1, 7)]
    assert takes(shape, True, []) and takes(shape, False, None)
    assert not takes(shape, True, None)  # the model refuses null here
    assert not takes(shape, True, [{"quantity": 1}])  # a price is required
    assert not takes(shape, True, [{"quantity": 1, "price": "1", "note": "x"}])  # no such field
    assert not takes(shape, True, {"quantity": 1, "price": "1"})  # one break, not a list


@pytest.mark.parametrize("name", ["example", "mixed"])
def test_no_clear_reads_an_items_field_listed_as_unread(name: str, tmp_path: Path) -> None:
    """Clearing every open build plans, prints and writes the same with each listed item field unreadable or absent."""
    root = uncleared(name, tmp_path)
    expected = cleared(load_repo(root, cache=False).inventory)
    assert expected
    for kind, (_, names) in ITEM_UNREAD.items():
        table, field = LISTS[kind]
        for name_ in sorted(names):
            for value in (_Unreadable(), None):
                inv = load_repo(root, cache=False).inventory
                for model in getattr(inv, table).values():
                    for item in getattr(model, field):
                        object.__setattr__(item, name_, value)
                assert cleared(inv) == expected, (kind, name_, value)


def test_a_clear_after_a_price_refresh_and_a_stocktake_date_answers_from_the_last_full_clear(
    cleared_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = cleared_repo
    kept = full_clear(root, capsys)
    edit(root, '{quantity: 1, price: "0.10"}', '{quantity: 1, price: "0.09"}')
    edit(root, "fetched_at: 2025-10-14T09:12:00Z", "fetched_at: 2026-12-01T08:00:00Z")
    stock = root / "stock/drawer-a.yaml"
    text = stock.read_text()
    assert text.count("{part: r-1k, quantity: 60, bin: A3}") == 1
    stock.write_text(
        text.replace(
            "{part: r-1k, quantity: 60, bin: A3}", "{part: r-1k, quantity: 60, bin: A3, counted_at: 2026-12-01}"
        )
    )
    assert unchanged_clear(root) is not None
    answered_from_the_kept_clear(root, capsys, kept)


def test_a_clear_after_a_vendor_changed_runs_in_full(cleared_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The vendor is read by a check, so it is not listed: a clear after it runs in full too (and says the same)."""
    root = cleared_repo
    first = clear(root, capsys)
    edit(root, "vendor: tayda", "vendor: mouser")
    assert unchanged_clear(root) is None
    assert clear(root, capsys) == first


# values a random edit puts in a vendor part's field: of its shape, of no shape, refused, hostile
VALUES = ["A-1", "", "x" * 300, "null", "~", "0", "-1", "1.5", "'0.45'", '"0.045"', "1e3", "yes", "[]", "{}",
          "2026-12-01T08:00:00Z", "2026-12-01", "soon", "EUR", "eur", "[{quantity: 1, price: '0.2'}]",
          "[{quantity: 0, price: '0.2'}]", "[{quantity: 5, price: abc}]", "[{quantity: 5}]", "tayda", "nobody",
          "mouser"]  # fmt: skip
FIELDS = ["vendor", "sku", "mpn", "manufacturer", "min_order", "multiple", "currency", "price_breaks", "fetched_at",
          "lead_time"]  # fmt: skip


def test_random_vendor_part_edits_answer_as_a_check_and_a_clear_without_the_cache(
    cleared_repo: Path, capsys: pytest.CaptureFixture[str], steady_clock: None
) -> None:
    """Seeded random edits of one vendor part's fields: whatever the cache answers, a run without it says too."""
    import random

    root = cleared_repo
    path = root / PART
    original = path.read_text()
    marker = "  - vendor: tayda\n    sku: A-2115\n"
    assert original.count(marker) == 1
    rng = random.Random(7)
    light = light_clear = 0
    for _ in range(24):
        check(root, capsys)
        clear(root, capsys)  # full answers for the files as they are
        fields = rng.sample(FIELDS, rng.randint(1, 2))
        written = "".join(f"    {name}: {rng.choice(VALUES)}\n" for name in fields if name not in ("vendor", "sku"))
        vendor = rng.choice(["tayda", "tayda", "nobody", "mouser"]) if "vendor" in fields else "tayda"
        sku = rng.choice(VALUES) if "sku" in fields else "A-2115"
        path.write_text(original.replace(marker, f"  - vendor: {vendor}\n    sku: {sku}\n{written}"))
        light += unchanged(root) is not None
        light_clear += unchanged_clear(root) is not None
        assert check(root, capsys) == check(root, capsys, "--no-cache"), path.read_text()
        said = clear(root, capsys, "--dry-run")
        assert said == clear(root, capsys, "--dry-run", "--no-cache"), path.read_text()
        path.write_text(original)
    assert (light, light_clear) == (9, 9)  # of 24 edits, 9 answered from the kept answers; the rest ran in full


def test_a_quarter_of_the_files_may_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A price refresh of many parts keeps the last full answer up to a quarter of the files (16 at least)."""
    from ctb_files.storage import unread
    from ctb_files.storage.treestat import tree_digests

    monkeypatch.delenv("CTB_CACHE_TEST", raising=False)
    digests = {f"parts/p{i}.yaml": b"a" for i in range(400)}
    assert unread.changed_files(digests, digests | {f"parts/p{i}.yaml": b"b" for i in range(100)}) is not None
    assert unread.changed_files(digests, digests | {f"parts/p{i}.yaml": b"b" for i in range(101)}) is None
    small = {f"parts/p{i}.yaml": b"a" for i in range(40)}
    assert unread.changed_files(small, small | {f"parts/p{i}.yaml": b"b" for i in range(16)}) is not None
    assert unread.changed_files(small, small | {f"parts/p{i}.yaml": b"b" for i in range(17)}) is None

    root = generate_mixed(tmp_path / "mixed", parts=300, builds=12, projects=3, rows=30)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    first = check(root, capsys)
    files = len(tree_digests(root) or {})  # every file a check reads
    assert files > 300
    parts = sorted((root / "parts").iterdir())
    originals = {path: path.read_text() for path in parts}

    def refresh(count: int, cents: int) -> None:
        for path in parts[:count]:
            text = originals[path]
            start = text.index("price: '0.") + len("price: '0.")
            path.write_text(text[:start] + f"{cents:02d}" + text[start + 2 :])

    refresh(files // 4, 1)  # prices 0.01: never one the generator writes (0.10-0.99)
    assert unchanged(root) is not None
    assert check(root, capsys) == first == check(root, capsys, "--no-cache")
    refresh(files // 4 + 1, 2)
    assert unchanged(root) is None
    assert check(root, capsys) == first


def test_files_back_as_the_full_run_read_them_keep_its_answer(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An edit answered from the kept answer, then undone: the kept answer, not a full check."""
    first = check(repo, capsys)
    kept = full_answer(repo)
    edit(repo, "sku: 603-MFR-25FBF52-10K", "sku: X-1")
    assert check(repo, capsys) == first  # its answer now replaces the full one's in the answer file
    edit(repo, "sku: X-1", "sku: 603-MFR-25FBF52-10K")
    assert unchanged(repo) == (51, [])
    assert check(repo, capsys) == first and full_answer(repo) == kept


def test_files_back_as_the_full_clear_left_them_keep_its_answer(
    cleared_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same for a clear."""
    root = cleared_repo
    kept = full_clear(root, capsys)
    edit(root, '{quantity: 1, price: "0.10"}', '{quantity: 1, price: "0.09"}')
    assert clear(root, capsys) == kept[0]
    edit(root, '{quantity: 1, price: "0.09"}', '{quantity: 1, price: "0.10"}')
    assert unchanged_clear(root) is not None
    answered_from_the_kept_clear(root, capsys, kept)


def test_what_an_order_minimums_shape_takes_the_model_takes() -> None:
    """Every order minimum and multiple the shape claims, the record validates; these exactly are claimed."""
    from pydantic import ValidationError

    from ctb_files.core.models.common import record_adapter
    from ctb_files.core.models.part import VendorPart
    from ctb_files.core.unread import item_light, takes

    shapes = item_light()["part"]
    adapter = record_adapter(VendorPart)
    for name in ("min_order", "multiple"):
        claimed = []
        for value in [1, 2, 10**20, 0, -1, True, 2.0, "5", None]:
            if takes(shapes[name], True, value):
                claimed.append(value)
                adapter.validate_python({"vendor": "x", "sku": "s", name: value})  # never raises
            else:
                with contextlib.suppress(ValidationError):
                    adapter.validate_python({"vendor": "x", "sku": "s", name: value})
        assert claimed == [1, 2, 10**20, None], name
