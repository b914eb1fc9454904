"""A snapshot loaded beside the working tree takes the models of files with the same bytes, answers unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

from ctb_files.storage.loader import load_files, load_repo
from ctb_files.storage.tree import read_tree

EXAMPLE = Path(__file__).resolve().parent.parent / "ctb_files" / "data" / "example-inventory"


def test_same_bytes_share_their_models_and_the_answers_do_not_change(tmp_path: Path) -> None:
    root = tmp_path / "inv"
    shutil.copytree(EXAMPLE, root)
    (root / "parts" / "broken.yaml").write_text("name: x\nvalu: 3\n")
    tree = load_repo(root, cache=False)
    files = dict(read_tree(root))
    files["parts/c-100n.yaml"] = files["parts/c-100n.yaml"].replace(b"100n", b"220n", 1)
    files["parts/extra.yaml"] = b"name: Extra\n"
    del files["parts/r-10k.yaml"]

    alone = load_files(files)
    shared = load_files(files, like=tree)
    assert shared.diagnostics == alone.diagnostics
    assert [d.path for d in shared.errors] == ["parts/broken.yaml"]  # failed there: validated again, fails again
    inv, ref = shared.inventory, alone.inventory
    assert inv.parts == ref.parts and inv.boms == ref.boms and inv.stock == ref.stock and inv.seen == ref.seen
    assert inv.builds == ref.builds and inv.orders == ref.orders and inv.settings == ref.settings
    assert "r-10k" not in inv.parts and inv.parts["extra"].name == "Extra"
    # unchanged files: the very models of the working tree; changed and new ones: their own
    assert inv.parts["c-10u"] is tree.inventory.parts["c-10u"]
    assert inv.boms[("vco", "v1")] is tree.inventory.boms[("vco", "v1")]
    assert inv.settings is tree.inventory.settings
    assert inv.parts["c-100n"] is not tree.inventory.parts["c-100n"]
    assert (inv.parts["c-100n"].value, tree.inventory.parts["c-100n"].value) == ("220n", "100n")

    # other settings: nothing is shared (they decide how every file reads)
    files["ctb.yaml"] = files["ctb.yaml"] + b"# edited\n"
    other = load_files(files, like=tree)
    assert other.diagnostics == load_files(files).diagnostics
    assert other.inventory.parts["c-10u"] == tree.inventory.parts["c-10u"]
    assert other.inventory.parts["c-10u"] is not tree.inventory.parts["c-10u"]
