"""Explosions sharing a memo (``bom log`` over many versions) equal explosions made afresh."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from ctb_files.core.models import BomFile, BomRow, Extension, Part, Project
from ctb_files.core.models.common import record_adapter
from ctb_files.errors import CtbError
from ctb_files.ops.bom.diff import FlatMemo, flatten
from ctb_files.ops.bom.tree import Memo, Target, explode, parse_target


@dataclass
class Version:
    """One revision's catalog: parts and the BOM as models, shared with other revisions where unchanged."""

    parts: dict[str, Part]
    bom: BomFile | None = None
    ext: list[Extension] = field(default_factory=list)

    def part(self, part_id: str) -> Part | None:
        return self.parts.get(part_id)

    def project(self, project_id: str) -> Project | None:
        return None

    def project_bom(self, project_id: str, version: str) -> BomFile | None:
        return self.bom

    def extensions(self) -> list[Extension]:
        return self.ext


def part(**fields: object) -> Part:
    return Part.model_validate({"name": "x", **fields})


def row(**fields: object) -> BomRow:
    return record_adapter(BomRow).validate_python(fields)


def bom(*rows: BomRow) -> BomFile:
    # rows given as models are kept as they are: versions share them, as the history reader's do
    return BomFile.model_validate({"project": "vco", "version": "v1", "rows": list(rows)})


R1 = row(line=1, refs=["R1", "R2"], quantity=2, value="10k", part="r-10k")
R2 = row(line=2, refs=["W1"], quantity=250, unit="mm", part="wire")
R3 = row(line=3, refs=["A1"], quantity=1, part="sub", ext={"note": "first"})
R4 = row(line=4, refs=["U9"], quantity=1, value="TL072")  # unmatched
R0 = row(line=0, refs=["J1"], quantity=1, part="jack")

SUB = part(bom=[{"part": "r-10k", "quantity": 3}, {"part": "loop", "quantity": 1}])
PARTS = {
    "r-10k": part(),
    "wire": part(unit="m"),
    "sub": SUB,
    "loop": part(bom=[{"part": "sub", "quantity": 1}]),  # a cycle, cut where it closes
    "jack": part(),
}


def versions() -> list[Version]:
    first = Version(dict(PARTS), bom(R1, R2, R3, R4))
    same = Version(dict(PARTS), bom(R1, R2, R3, R4))  # another file of equal rows: rows shared
    unit = Version({**PARTS, "wire": part(unit="cm")}, bom(R1, R2, R3, R4))  # a part changed
    sub = Version({**PARTS, "sub": part(bom=[{"part": "jack", "quantity": 2}])}, bom(R1, R2, R3, R4))
    shifted = Version(dict(PARTS), bom(R0, R1, R3, R4))  # a row in front: indices move
    ext = Version(dict(PARTS), bom(R1, R2, R3, R4), [Extension.model_validate({"name": "note", "type": "string"})])
    return [first, same, unit, sub, shifted, ext, first]


@pytest.mark.parametrize("text", ["vco:v1", "sub"])
def test_a_shared_memo_makes_the_rows_made_without_it(text: str) -> None:
    target = parse_target(text)
    memo, flat = Memo(), FlatMemo()
    for version in versions():
        alone = explode(version, target)
        shared = explode(version, target, memo=memo)
        assert shared == alone
        names = [e.name for e in version.ext]
        assert flatten(shared, names, flat) == flatten(alone, names)
        assert [f.ext for f in flatten(shared, names, flat)] == [f.ext for f in flatten(alone, names)]
    if target.is_project:
        # made once each: the 4 first rows, the wire's and the sub's rows again when their parts
        # changed, the jack's row and the 10k row at its new place; the rest came from the memo
        assert len(memo.rows) == 8
        # the wire row in cm: 250 mm are 25 cm; the sub-assembly's rows follow its changed BOM
        unit = explode(versions()[2], target, memo=memo)
        assert [(r.part, r.need, r.part_unit) for r in unit if r.part == "wire"] == [("wire", Decimal("25"), "cm")]
        sub = explode(versions()[3], target, memo=memo)
        assert [(r.level, r.part, r.need) for r in sub if r.parent == "sub"] == [(2, "jack", Decimal("2"))]


def test_the_memo_is_left_out_of_production_explosions() -> None:
    target = Target("vco:v1", project="vco", version="v1")
    memo = Memo()
    version = versions()[0]
    assert explode(version, target, units=Decimal(3), memo=memo) == explode(version, target, units=Decimal(3))
    assert not memo.rows


def test_a_row_that_does_not_convert_raises_with_and_without_the_memo() -> None:
    target = Target("vco:v1", project="vco", version="v1")
    memo = Memo()
    good = versions()[0]
    explode(good, target, memo=memo)
    bad = Version({**PARTS, "wire": part(unit="g")}, good.bom)
    for shared in (None, memo):
        with pytest.raises(CtbError, match="cannot be converted"):
            explode(bad, target, memo=shared)
