"""``ctb vendor populate`` replaying recorded Mouser answers through an injected transport."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

import ctb_files.cli.vendor as vendor_cli
from ctb_files.cli import main
from ctb_files.ops.orders.populate import (
    placeholder_fields,
    targets,
    updated_vendor_part,
    vendor_part_fields,
)
from ctb_files.storage.loader import load_repo
from ctb_files.vendors.mouser import MouserPart
from tests.conftest import write_tree

DATA = Path(__file__).parent / "data" / "populate"
KEY = "test-key-0000"
MOMENT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

TL074 = """\
# quad op amp, the VCO's workhorse
name: TL074 SOIC
vendor_parts:
  - vendor: mouser   # main source
    sku: 595-TL074CDR
  - vendor: tayda
    sku: A-1138
"""
R1 = "name: 10k 0805\nvendor_parts:\n  - {vendor: mouser, sku: 603-RC0805FR-0710KL}\n"
PLACEHOLDER = """\
# Placeholder made by ctb for mouser part 595-TL074CDR;
# 'ctb vendor populate' fills in the vendor data: complete the rest by hand.
name: TL074
placeholder: true
vendor_parts:
  - {vendor: mouser, sku: 595-TL074CDR}
"""


def world(root: Path, **extra: str) -> Path:
    return write_tree(root, {
        "ctb.yaml": "ctb: 1\n",
        "vendors/mouser.yaml": "name: Mouser\napi: mouser\n",
        "vendors/tayda.yaml": "name: Tayda\n",
        "parts/tl074.yaml": TL074,
        "parts/knob.yaml": "name: Knob\n",
        **extra,
    })  # fmt: skip


Answer = tuple[int, str]  # HTTP status, recorded file (or "" for an empty body)


class Recorder:
    """A MockTransport handler answering from a queue and remembering every request."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, name = self.answers.pop(0)
        body = (DATA / name).read_bytes() if name else b""
        return httpx.Response(status, content=body, headers={"Content-Type": "application/json"})

    def asked(self) -> list[str]:
        return [json.loads(r.content)["SearchByPartRequest"]["mouserPartNumber"] for r in self.requests]


@pytest.fixture
def mouser(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Recorder]:
    def install(*answers: Answer, key: str | None = KEY) -> Recorder:
        recorder = Recorder(*answers)
        monkeypatch.setattr(vendor_cli, "http_client",
                            lambda: httpx.Client(base_url="https://api.mouser.com", transport=httpx.MockTransport(recorder)))  # fmt: skip
        monkeypatch.setattr(vendor_cli, "sleep", lambda seconds: None)
        monkeypatch.setattr(vendor_cli, "now", lambda: MOMENT)
        if key is not None:
            monkeypatch.setenv("MOUSER_API_KEY", key)
        return recorder

    return install


def populate(root: Path, *args: str) -> int:
    return main(["--repo", str(root), "vendor", "populate", *args])


def test_single_hit_fills_the_vendor_part_keeping_comments(tmp_path: Path, mouser: Callable[..., Recorder],
                                                           capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    world(tmp_path)
    recorder = mouser((200, "single_hit.json"))
    assert populate(tmp_path) == 0
    assert recorder.asked() == ["595-TL074CDR"]
    assert recorder.requests[0].url.params["apiKey"] == KEY
    assert (tmp_path / "parts/tl074.yaml").read_text() == (
        "# quad op amp, the VCO's workhorse\n"
        "name: TL074 SOIC\n"
        "datasheet: https://www.mouser.com/datasheet/2/405/tl074-example.pdf\n"  # filled: the part had none
        "vendor_parts:\n"
        "  - vendor: mouser   # main source\n"
        "    sku: 595-TL074CDR\n"
        "    mpn: TL074CDR\n"
        "    manufacturer: Texas Instruments\n"
        "    description: Operational Amplifiers - Op Amps Quad Low-Noise JFET-Input\n"
        "    url: https://www.mouser.com/ProductDetail/Texas-Instruments/TL074CDR?qs=example\n"
        "    min_order: 1\n"
        "    multiple: 1\n"
        "    currency: USD\n"
        "    price_breaks:\n"
        '      - {quantity: 1, price: "0.58"}\n'
        '      - {quantity: 10, price: "0.451"}\n'
        '      - {quantity: 100, price: "0.30"}\n'
        '      - {quantity: 2500, price: "0.204"}\n'
        "    availability: 8,412 In Stock\n"
        "    lead_time: 42 Days\n"
        "    fetched_at: 2026-11-01T12:00:00Z\n"
        "  - vendor: tayda\n"
        "    sku: A-1138\n"
    )
    captured = capsys.readouterr()
    assert "populated 1 of 1 part" in captured.out
    assert "\r" not in captured.err and "Mouser" not in captured.err  # no progress into a pipe
    assert KEY not in (tmp_path / "parts/tl074.yaml").read_text() + captured.out + captured.err
    part = load_repo(tmp_path).inventory.parts["tl074"].vendor_parts[0]
    assert part.price_breaks[1].price == Decimal("0.451") and part.min_order == 1


def test_several_hits_come_from_one_request_and_repopulating_is_stable(tmp_path: Path, mouser: Callable[..., Recorder]) -> None:
    world(tmp_path, **{"parts/r1.yaml": R1})
    recorder = mouser((200, "several_hits.json"), (200, "several_hits.json"))
    assert populate(tmp_path) == 0
    assert recorder.asked() == ["603-RC0805FR-0710KL|595-TL074CDR"]
    first = (tmp_path / "parts/r1.yaml").read_text()
    assert first == (
        "name: 10k 0805\nvendor_parts:\n"
        "  - vendor: mouser\n"
        "    sku: 603-RC0805FR-0710KL\n"
        "    mpn: RC0805FR-0710KL\n"
        "    manufacturer: YAGEO\n"
        "    description: Thick Film Resistors - SMD 10K ohm 1% 0805\n"
        "    url: https://www.mouser.com/ProductDetail/YAGEO/RC0805FR-0710KL?qs=example\n"
        "    min_order: 10\n"
        "    multiple: 10\n"
        "    currency: USD\n"
        "    price_breaks:\n"
        '      - {quantity: 10, price: "0.10"}\n'
        '      - {quantity: 100, price: "0.012"}\n'
        '      - {quantity: 1000, price: "0.005"}\n'
        "    availability: 1,250,000 In Stock\n"
        "    lead_time: 70 Days\n"
        "    fetched_at: 2026-11-01T12:00:00Z\n"
    )
    assert populate(tmp_path, "r1", "tl074") == 0
    assert (tmp_path / "parts/r1.yaml").read_text() == first
    assert load_repo(tmp_path).inventory.parts["r1"].vendor_parts[0].multiple == 10


def test_no_hit_reports_the_part_and_writes_the_others(tmp_path: Path, mouser: Callable[..., Recorder],
                                                       capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    world(tmp_path, **{"parts/r1.yaml": R1})
    mouser((200, "single_hit.json"))
    assert populate(tmp_path) == 1
    err = capsys.readouterr().err
    assert "ctb: parts/r1.yaml: 603-RC0805FR-0710KL: no exact match at Mouser for 603-RC0805FR-0710KL\n" in err
    assert "populated 1 of 2 parts" in err
    assert (tmp_path / "parts/r1.yaml").read_text() == R1
    assert "price_breaks:" in (tmp_path / "parts/tl074.yaml").read_text()


def test_an_empty_answer_is_a_miss(tmp_path: Path, mouser: Callable[..., Recorder], capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path)
    mouser((200, "no_hit.json"))
    assert populate(tmp_path, "tl074") == 1
    assert "populated 0 of 1 part" in capsys.readouterr().err
    assert (tmp_path / "parts/tl074.yaml").read_text() == TL074


def test_errors_on_200_are_one_line_per_part(tmp_path: Path, mouser: Callable[..., Recorder], capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path, **{"parts/r1.yaml": R1})
    mouser((200, "errors_on_200.json"))
    assert populate(tmp_path) == 1
    err = capsys.readouterr().err
    assert err.count("Mouser error: Invalid unique identifier. (check MOUSER_API_KEY)") == 2
    assert "populated 0 of 2 parts" in err
    assert (tmp_path / "parts/tl074.yaml").read_text() == TL074


def test_429_then_success_is_retried(tmp_path: Path, mouser: Callable[..., Recorder]) -> None:
    world(tmp_path)
    recorder = mouser((429, ""), (200, "single_hit.json"))
    assert populate(tmp_path) == 0
    assert len(recorder.requests) == 2
    assert '{quantity: 10, price: "0.451"}' in (tmp_path / "parts/tl074.yaml").read_text()


def test_a_network_failure_is_one_line_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    world(tmp_path)

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("name resolution failed", request=request)

    monkeypatch.setattr(vendor_cli, "http_client", lambda: httpx.Client(base_url="https://api.mouser.com", transport=httpx.MockTransport(down)))
    monkeypatch.setattr(vendor_cli, "sleep", lambda seconds: None)
    monkeypatch.setenv("MOUSER_API_KEY", KEY)
    assert populate(tmp_path) == 1
    err = capsys.readouterr().err
    assert "ctb: parts/tl074.yaml: 595-TL074CDR: could not reach Mouser" in err
    assert (tmp_path / "parts/tl074.yaml").read_text() == TL074


def test_localized_prices_are_exact(tmp_path: Path, mouser: Callable[..., Recorder]) -> None:
    world(tmp_path)
    mouser((200, "localized_eur.json"))
    assert populate(tmp_path) == 0
    text = (tmp_path / "parts/tl074.yaml").read_text()
    assert "    currency: EUR\n" in text
    assert '      - {quantity: 1, price: "0.54"}\n      - {quantity: 10, price: "0.419"}\n      - {quantity: 2500, price: "0.189"}\n' in text
    assert "    availability: 8.412 auf Lager\n" in text


def test_placeholders_get_a_name_and_lose_the_flag(tmp_path: Path, mouser: Callable[..., Recorder]) -> None:
    world(tmp_path, **{"parts/mouser-595-TL074CDR.yaml": PLACEHOLDER})
    mouser((200, "single_hit.json"))
    assert populate(tmp_path, "mouser-595-TL074CDR") == 0
    text = (tmp_path / "parts/mouser-595-TL074CDR.yaml").read_text()
    assert text.startswith(
        "# Placeholder made by ctb for mouser part 595-TL074CDR;\n"
        "# 'ctb vendor populate' fills in the vendor data: complete the rest by hand.\n"
        "name: Texas Instruments TL074CDR\n"
        "description: Operational Amplifiers - Op Amps Quad Low-Noise JFET-Input\n"
        "datasheet: https://www.mouser.com/datasheet/2/405/tl074-example.pdf\n"
        "vendor_parts:\n"
    )
    assert "placeholder" not in text.split("\n", 2)[2]


def test_no_key_is_one_line_and_nothing_is_written(tmp_path: Path, mouser: Callable[..., Recorder],
                                                  capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    world(tmp_path)
    recorder = mouser(key=None)
    assert populate(tmp_path) == 1
    err = capsys.readouterr().err
    assert err.startswith("ctb: MOUSER_API_KEY is not set") and err.count("\n") == 1
    assert recorder.requests == []
    assert (tmp_path / "parts/tl074.yaml").read_text() == TL074


def test_named_parts_without_a_mouser_vendor_part_fail(tmp_path: Path, mouser: Callable[..., Recorder],
                                                      capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    world(tmp_path)
    mouser((200, "single_hit.json"))
    assert populate(tmp_path, "knob", "tl074") == 1
    err = capsys.readouterr().err
    assert "ctb: parts/knob.yaml: no vendor part at a vendor with 'api: mouser'" in err
    assert "populated 1 of 2 parts" in err
    assert populate(tmp_path, "nope") == 1
    assert "unknown part 'nope'" in capsys.readouterr().err


def test_pure_helpers() -> None:
    found = MouserPart(
        sku="S", mpn="", manufacturer="", description="", url=None, min_order=None, multiple=None,
        price_breaks=[(1, Decimal("0.10")), (10, Decimal("1E-3"))], currency=None, availability=None, lead_time=None,
    )  # fmt: skip
    assert vendor_part_fields(found, MOMENT) == {
        "price_breaks": [{"quantity": 1, "price": "0.10"}, {"quantity": 10, "price": "0.001"}], "fetched_at": MOMENT,
    }  # fmt: skip
    assert list(updated_vendor_part({"note_me": 1, "sku": "S", "vendor": "m"}, found, MOMENT)) == [
        "vendor", "sku", "price_breaks", "fetched_at", "note_me",
    ]  # fmt: skip
    assert placeholder_fields(found) == {"name": "S"}


def test_targets_are_vendor_parts_at_api_vendors(tmp_path: Path) -> None:
    world(tmp_path, **{"parts/r1.yaml": R1})
    inv = load_repo(tmp_path).inventory
    found, missing = targets(inv)
    assert [(t.part, t.index, t.sku) for t in found] == [("r1", 0, "603-RC0805FR-0710KL"), ("tl074", 0, "595-TL074CDR")]
    assert missing == []


def test_a_datasheet_set_by_hand_stays(tmp_path: Path, mouser: Callable[..., Recorder]) -> None:
    world(tmp_path, **{"parts/mouser-595-TL074CDR.yaml": PLACEHOLDER.replace("vendor_parts:", "datasheet: https://example.invalid/mine.pdf\nvendor_parts:", 1)})
    mouser((200, "single_hit.json"))
    assert populate(tmp_path, "mouser-595-TL074CDR") == 0
    text = (tmp_path / "parts/mouser-595-TL074CDR.yaml").read_text()
    assert "datasheet: https://example.invalid/mine.pdf\n" in text and "tl074-example.pdf" not in text
