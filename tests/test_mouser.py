"""Mouser part-number search replayed from recorded responses through MockTransport."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from ctb_files.errors import CtbError
from ctb_files.vendors.mouser import LookupFailure, MouserClient, MouserPart

DATA = Path(__file__).parent / "data" / "mouser"
KEY = "5f2c0d3e-8a41-4b7e-9c65-0d1e2f3a4b5c"

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


class FakeTime:
    """A clock that only moves when something sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Server:
    """Replays queued replies in order; records each request and when it came."""

    def __init__(self, time: FakeTime, *replies: Reply) -> None:
        self.time = time
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []
        self.times: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.times.append(self.time.now)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, httpx.Response):
            return reply
        return reply(request)

    def numbers(self, index: int) -> list[str]:
        body = json.loads(self.requests[index].content)
        return str(body["SearchByPartRequest"]["mouserPartNumber"]).split("|")


def mouser(time: FakeTime, *replies: Reply, **options: Any) -> tuple[MouserClient, Server]:
    server = Server(time, *replies)
    http = httpx.Client(transport=httpx.MockTransport(server), base_url="https://api.mouser.com")
    client = MouserClient(http, KEY, sleep=time.sleep, clock=time.clock, **options)
    return client, server


def ok(name: str) -> httpx.Response:
    return httpx.Response(200, json=load(name))


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


def test_single_hit_reads_every_field(time: FakeTime) -> None:
    client, server = mouser(time, ok("single_hit.json"))
    result = client.lookup(["603-RC0603FR-0710KL"])
    assert result == {
        "603-RC0603FR-0710KL": MouserPart(
            sku="603-RC0603FR-0710KL",
            mpn="RC0603FR-0710KL",
            manufacturer="YAGEO",
            description="Thick Film Resistors - SMD 10 kOhms 100mW 0603 1%",
            url="https://www.mouser.com/ProductDetail/YAGEO/RC0603FR-0710KL"
            "?qs=IS%252B4QmGtzzqsn3S5xo%2FEEg%3D%3D",
            min_order=1,
            multiple=1,
            price_breaks=[
                (1, Decimal("0.10")),
                (10, Decimal("0.016")),
                (100, Decimal("0.006")),
                (5000, Decimal("0.002")),
            ],
            currency="USD",
            availability="1,234,567 In Stock",
            lead_time="84 Days",
            datasheet="https://www.mouser.com/datasheet/2/447/PYu_RC_Group_51_RoHS_L_12-3313590.pdf",
        )
    }
    (request,) = server.requests
    assert request.method == "POST"
    assert request.url.path == "/api/v1/search/partnumber"
    assert request.url.params["apiKey"] == KEY
    assert json.loads(request.content) == {
        "SearchByPartRequest": {
            "mouserPartNumber": "603-RC0603FR-0710KL",
            "partSearchOptions": "Exact",
        }
    }
    assert time.sleeps == []


def test_manufacturer_number_matches_ignoring_case_and_spaces(time: FakeTime) -> None:
    client, server = mouser(time, ok("single_hit.json"))
    result = client.lookup(["  rc0603fr-0710kl "])
    part = result["  rc0603fr-0710kl "]
    assert isinstance(part, MouserPart)
    assert part.sku == "603-RC0603FR-0710KL"
    assert server.numbers(0) == ["rc0603fr-0710kl"]


def test_several_hits_choose_the_exact_one(time: FakeTime) -> None:
    client, _ = mouser(time, ok("several_hits.json"))
    part = client.lookup(["NE555P"])["NE555P"]
    assert isinstance(part, MouserPart)
    assert part.sku == "595-NE555P"
    assert part.availability == "48,771 In Stock"
    assert part.price_breaks == [
        (1, Decimal("0.54")),
        (10, Decimal("0.37")),
        (100, Decimal("0.238")),
        (1000, Decimal("0.175")),
    ]


def test_only_fuzzy_hits_are_no_match(time: FakeTime) -> None:
    client, _ = mouser(time, ok("several_hits.json"))
    assert client.lookup(["NE555"]) == {
        "NE555": LookupFailure("no exact match at Mouser for NE555")
    }


def test_two_skus_with_the_same_mpn_are_ambiguous(time: FakeTime) -> None:
    doc = load("several_hits.json")
    doc["SearchResults"]["Parts"][0]["ManufacturerPartNumber"] = "NE555P"
    client, _ = mouser(time, httpx.Response(200, json=doc))
    assert client.lookup(["ne555p"]) == {
        "ne555p": LookupFailure(
            "ne555p matches 2 Mouser parts (595-NE555PE4, 595-NE555P); use the Mouser part number"
        )
    }


def test_no_hit(time: FakeTime) -> None:
    client, _ = mouser(time, ok("no_hit.json"))
    assert client.lookup(["XYZ-123"]) == {
        "XYZ-123": LookupFailure("no exact match at Mouser for XYZ-123")
    }


def test_errors_on_http_200_fail_the_whole_batch_without_retry(time: FakeTime) -> None:
    client, server = mouser(time, ok("errors_on_200.json"))
    result = client.lookup(["NE555P", "603-RC0603FR-0710KL"])
    expected = LookupFailure("Mouser error: Invalid unique identifier. (check MOUSER_API_KEY)")
    assert result == {"NE555P": expected, "603-RC0603FR-0710KL": expected}
    assert len(server.requests) == 1
    assert time.sleeps == []


def test_429_honours_retry_after(time: FakeTime) -> None:
    client, server = mouser(
        time,
        httpx.Response(429, headers={"Retry-After": "7"}, text="Too Many Requests"),
        ok("single_hit.json"),
    )
    part = client.lookup(["603-RC0603FR-0710KL"])["603-RC0603FR-0710KL"]
    assert isinstance(part, MouserPart)
    assert time.sleeps == [7.0]
    assert server.times == [1000.0, 1007.0]


def test_429_without_retry_after_backs_off(time: FakeTime) -> None:
    client, server = mouser(
        time, httpx.Response(429), ok("single_hit.json"), requests_per_minute=60
    )
    assert isinstance(client.lookup(["603-RC0603FR-0710KL"])["603-RC0603FR-0710KL"], MouserPart)
    assert time.sleeps == [2.0]
    assert len(server.requests) == 2


def test_500_twice_then_success_doubles_the_backoff(time: FakeTime) -> None:
    client, server = mouser(
        time,
        httpx.Response(500, text="<html>Internal Server Error</html>"),
        httpx.Response(502),
        ok("single_hit.json"),
        requests_per_minute=60,
    )
    part = client.lookup(["603-RC0603FR-0710KL"])["603-RC0603FR-0710KL"]
    assert isinstance(part, MouserPart)
    assert time.sleeps == [2.0, 4.0]
    assert server.times == [1000.0, 1002.0, 1006.0]


def test_retries_run_out(time: FakeTime) -> None:
    client, server = mouser(
        time, *[httpx.Response(503) for _ in range(3)], max_retries=2, requests_per_minute=60
    )
    assert client.lookup(["NE555P"]) == {
        "NE555P": LookupFailure("Mouser returned HTTP 503 on 3 attempts; try again later")
    }
    assert len(server.requests) == 3
    assert time.sleeps == [2.0, 4.0]


def test_a_retry_after_beyond_ten_minutes_gives_up(time: FakeTime) -> None:
    client, server = mouser(time, httpx.Response(429, headers={"Retry-After": "3600"}))
    assert client.lookup(["NE555P"]) == {
        "NE555P": LookupFailure(
            "Mouser returned HTTP 429; Mouser asks to wait 3600 s; try again later"
        )
    }
    assert time.sleeps == []
    assert len(server.requests) == 1


def test_timeout_is_retried(time: FakeTime) -> None:
    client, server = mouser(
        time, httpx.ReadTimeout("timed out"), ok("several_hits.json"), requests_per_minute=60
    )
    assert isinstance(client.lookup(["NE555P"])["NE555P"], MouserPart)
    assert time.sleeps == [2.0]
    assert len(server.requests) == 2


def test_http_400_reports_mouser_errors(time: FakeTime) -> None:
    doc = {
        "Errors": [{"Id": 0, "Code": "Required", "Message": "Part Number is required."}],
        "SearchResults": None,
    }
    client, server = mouser(time, httpx.Response(400, json=doc))
    assert client.lookup(["NE555P"]) == {
        "NE555P": LookupFailure("Mouser error: Part Number is required.")
    }
    assert len(server.requests) == 1


def test_localized_prices(time: FakeTime) -> None:
    client, _ = mouser(time, ok("localized_de.json"))
    result = client.lookup(["603-RC0603FR-0710KL", "217-XCKU3P-1FFVA676E"])
    resistor, fpga = result["603-RC0603FR-0710KL"], result["217-XCKU3P-1FFVA676E"]
    assert isinstance(resistor, MouserPart) and isinstance(fpga, MouserPart)
    assert resistor.price_breaks == [
        (1, Decimal("0.106")),
        (10, Decimal("0.017")),
        (100, Decimal("0.007")),
    ]
    assert resistor.currency == "EUR"
    assert resistor.availability == "1.234.567 auf Lager"
    assert resistor.lead_time == "84 Tage"
    assert fpga.price_breaks == [(1, Decimal("1234.56")), (10, Decimal("1198.20"))]
    assert fpga.manufacturer == "AMD"


def test_unreadable_price_fails_only_that_part(time: FakeTime) -> None:
    doc = load("several_hits.json")
    doc["SearchResults"]["Parts"][1]["PriceBreaks"][0]["Price"] = "call us"
    client, _ = mouser(time, httpx.Response(200, json=doc))
    assert client.lookup(["NE555P"]) == {
        "NE555P": LookupFailure(
            "cannot read Mouser's data for NE555P: no amount in price 'call us'"
        )
    }


def answer_with_template(request: httpx.Request) -> httpx.Response:
    """Mouser's answer to any batch: one capacitor per requested number."""
    numbers = json.loads(request.content)["SearchByPartRequest"]["mouserPartNumber"].split("|")
    template = load("part_template.json")
    parts = []
    for number in numbers:
        part = copy.deepcopy(template)
        part["MouserPartNumber"] = f"187-{number}"
        part["ManufacturerPartNumber"] = number
        parts.append(part)
    body = {"Errors": [], "SearchResults": {"NumberOfResult": len(parts), "Parts": parts}}
    return httpx.Response(200, json=body)


def test_23_numbers_take_3_spaced_requests(time: FakeTime) -> None:
    numbers = [f"CL10B104KB8N{i:03d}" for i in range(23)]
    client, server = mouser(time, *[answer_with_template] * 3)
    seen: list[tuple[int, int]] = []
    result = client.lookup(numbers, progress=lambda done, total: seen.append((done, total)))
    assert [len(server.numbers(i)) for i in range(3)] == [10, 10, 3]
    assert server.numbers(0) == numbers[:10]
    assert server.numbers(2) == numbers[20:]
    # 30 requests a minute: one every two seconds
    assert time.sleeps == [2.0, 2.0]
    assert server.times == [1000.0, 1002.0, 1004.0]
    assert seen == [(10, 23), (20, 23), (23, 23)]
    assert list(result) == numbers
    part = result["CL10B104KB8N022"]
    assert isinstance(part, MouserPart)
    assert part.sku == "187-CL10B104KB8N022"
    assert part.price_breaks == [(1, Decimal("0.10")), (4000, Decimal("0.004"))]


def test_spacing_counts_time_already_spent(time: FakeTime) -> None:
    client, _ = mouser(time, answer_with_template, answer_with_template)
    client.lookup(["A1"])
    time.now += 0.5  # the caller worked for half a second
    client.lookup(["B2"])
    assert time.sleeps == [1.5]


def test_duplicates_and_bad_numbers_are_not_sent(time: FakeTime) -> None:
    client, server = mouser(time, ok("several_hits.json"))
    result = client.lookup(["NE555P", "ne555p ", "", "A|B", "NE555P"])
    assert server.numbers(0) == ["NE555P"]
    assert list(result) == ["NE555P", "ne555p ", "", "A|B"]
    assert result["NE555P"] == result["ne555p "]
    assert result[""] == LookupFailure("empty part number")
    assert result["A|B"] == LookupFailure(
        "part number 'A|B' contains '|', which Mouser reads as a separator"
    )


def test_nothing_to_ask_sends_nothing(time: FakeTime) -> None:
    client, server = mouser(time)
    assert client.lookup([]) == {}
    assert server.requests == []


def test_the_key_never_appears_in_failures(time: FakeTime) -> None:
    leak = httpx.ConnectError(
        f"cannot connect to https://api.mouser.com/api/v1/search/partnumber?apiKey={KEY}"
    )
    echo = {"Errors": [{"Code": "Invalid", "Message": f"Key {KEY} is not valid."}]}
    client, _ = mouser(
        time, leak, leak, httpx.Response(200, json=echo), max_retries=1
    )
    first = client.lookup(["NE555P"])["NE555P"]
    second = client.lookup(["NE555P"])["NE555P"]
    assert first == LookupFailure(
        "could not reach Mouser (ConnectError: cannot connect to "
        "https://api.mouser.com/api/v1/search/partnumber?apiKey=***) on 2 attempts; "
        "try again later"
    )
    assert second == LookupFailure("Mouser error: Key *** is not valid.")
    assert KEY not in repr(client)


def test_with_key_requires_a_key() -> None:
    http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    with pytest.raises(CtbError, match=r"^MOUSER_API_KEY is not set; "):
        MouserClient.with_key(http, None)
    with pytest.raises(CtbError, match=r"^MOUSER_API_KEY is not set; "):
        MouserClient.with_key(http, "   ")


def test_with_key_uses_the_key(time: FakeTime) -> None:
    server = Server(time, ok("no_hit.json"))
    http = httpx.Client(transport=httpx.MockTransport(server), base_url="https://api.mouser.com")
    client = MouserClient.with_key(http, " env-key-123 ", sleep=time.sleep, clock=time.clock)
    client.lookup(["X1"])
    assert server.requests[0].url.params["apiKey"] == "env-key-123"


def test_redact_also_catches_the_url_quoted_form() -> None:
    from ctb_files.vendors.http import redact

    assert redact("k=a+b/c and a%2Bb%2Fc", "a+b/c") == "k=*** and ***"
    assert redact("nothing to hide", None, "") == "nothing to hide"
