"""Mouser Search API v1 client: exact part-number lookups with prices.

One request asks for up to 10 part numbers (pipe-separated).  Mouser allows
about 30 calls a minute, so requests are spaced ``60 / requests_per_minute``
seconds apart; HTTP 429, 5xx and network failures are retried with
exponential backoff (``Retry-After`` wins when Mouser sends it).  Failures
never raise: each part number maps to a :class:`MouserPart` or a
:class:`LookupFailure` whose message is one line.  The API key travels only
in the request's query string and is scrubbed from every message.

Sleeping and the clock are injected so tests run instantly and can assert
every pause.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from ctb_files.errors import CtbError
from ctb_files.vendors.http import redact
from ctb_files.vendors.prices import parse_price

__all__ = ["LookupFailure", "MouserClient", "MouserPart"]

log = logging.getLogger(__name__)

SEARCH_PATH = "/api/v1/search/partnumber"
BATCH_SIZE = 10
BACKOFF_BASE = 2.0  # seconds before the first retry; doubles each time
MAX_RETRY_AFTER = 600.0  # a longer Retry-After means "come back later", not "wait"

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class MouserPart:
    """One Mouser catalogue entry, as much of it as ctb records."""

    sku: str
    mpn: str
    manufacturer: str
    description: str
    url: str | None
    min_order: int | None
    multiple: int | None
    price_breaks: list[tuple[int, Decimal]]
    currency: str | None
    availability: str | None
    lead_time: str | None
    datasheet: str | None = None


@dataclass(frozen=True)
class LookupFailure:
    """Why one part number has no :class:`MouserPart`: one line for the user."""

    message: str


class MouserClient:
    """Part-number search over an injected :class:`httpx.Client`.

    The client's ``base_url`` must be the API host (``https://api.mouser.com``;
    see :func:`ctb_files.vendors.http.make_client`).
    """

    def __init__(
        self,
        client: httpx.Client,
        api_key: str,
        *,
        requests_per_minute: int = 30,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        max_retries: int = 4,
    ) -> None:
        if not api_key.strip():
            raise CtbError("the Mouser API key is empty; set MOUSER_API_KEY")
        if requests_per_minute < 1:
            raise ValueError("requests_per_minute must be at least 1")
        self._client = client
        self._api_key = api_key.strip()
        self._interval = 60.0 / requests_per_minute
        self._sleep = sleep
        self._clock = clock
        self._max_retries = max(0, max_retries)
        self._next_start: float | None = None

    @classmethod
    def with_key(cls, client: httpx.Client, key: str | None, **options: Any) -> MouserClient:
        """A client using ``key`` (the caller reads ``MOUSER_API_KEY``); ``options`` go to the constructor."""
        key = (key or "").strip()
        if not key:
            raise CtbError(
                "MOUSER_API_KEY is not set; get a Search API key under My Mouser > APIs "
                "and export it"
            )
        return cls(client, key, **options)

    def __repr__(self) -> str:
        return f"MouserClient(interval={self._interval:g}s, max_retries={self._max_retries})"

    def lookup(
        self, part_numbers: list[str], progress: Progress | None = None
    ) -> dict[str, MouserPart | LookupFailure]:
        """Look up each part number (Mouser's or the manufacturer's) exactly.

        Returns one entry per distinct input string, keyed by that string.
        Numbers are compared case-insensitively and without surrounding
        spaces; a number whose match is fuzzy or absent gets a failure.
        ``progress(done, total)`` is called after each request with the count
        of distinct numbers asked so far and in all.
        """
        queries: dict[str, str] = {}  # casefolded -> as sent
        keys: dict[str, str] = {}  # input -> casefolded
        results: dict[str, MouserPart | LookupFailure] = {}
        for number in part_numbers:
            clean = number.strip()
            if not clean:
                results[number] = LookupFailure("empty part number")
            elif "|" in clean:
                results[number] = LookupFailure(
                    f"part number {clean!r} contains '|', which Mouser reads as a separator"
                )
            else:
                keys[number] = clean.casefold()
                queries.setdefault(clean.casefold(), clean)
        found: dict[str, MouserPart | LookupFailure] = {}
        pending = list(queries.items())
        for start in range(0, len(pending), BATCH_SIZE):
            batch = pending[start : start + BATCH_SIZE]
            outcome = self._search([sent for _, sent in batch])
            for key, sent in batch:
                if isinstance(outcome, str):
                    found[key] = LookupFailure(outcome)
                else:
                    found[key] = _pick(sent, outcome)
            if progress is not None:
                progress(start + len(batch), len(pending))
        for number, key in keys.items():
            results[number] = found[key]
        return {number: results[number] for number in part_numbers}

    # -- one request, with spacing and retries ---------------------------------

    def _search(self, batch: list[str]) -> list[dict[str, Any]] | str:
        """Mouser's parts for ``batch``, or a one-line failure for all of it."""
        body = {
            "SearchByPartRequest": {
                "mouserPartNumber": "|".join(batch),
                "partSearchOptions": "Exact",
            }
        }
        delay = 0.0
        attempt = 0
        while True:
            self._wait(delay)
            attempt += 1
            log.debug("Mouser search for %d part numbers, attempt %d", len(batch), attempt)
            retry_after: float | None = None
            try:
                response = self._client.post(
                    SEARCH_PATH, params={"apiKey": self._api_key}, json=body
                )
            except httpx.TransportError as exc:
                failure = f"could not reach Mouser ({_describe(exc)})"
            except httpx.HTTPError as exc:
                return self._redact(f"request to Mouser failed ({_describe(exc)})")
            else:
                status = response.status_code
                if status != 429 and status < 500:
                    return self._read(response)
                failure = f"Mouser returned HTTP {status}"
                retry_after = _retry_after(response)
            if attempt > self._max_retries:
                return self._redact(f"{failure} on {attempt} attempts; try again later")
            if retry_after is not None and retry_after > MAX_RETRY_AFTER:
                wait = f"Mouser asks to wait {retry_after:.0f} s"
                return self._redact(f"{failure}; {wait}; try again later")
            delay = retry_after if retry_after is not None else BACKOFF_BASE * 2 ** (attempt - 1)

    def _wait(self, delay: float) -> None:
        """Sleep until ``delay`` has passed and the rate limit allows a request."""
        now = self._clock()
        start = now + delay
        if self._next_start is not None:
            start = max(start, self._next_start)
        if start > now:
            self._sleep(start - now)
        self._next_start = start + self._interval

    def _read(self, response: httpx.Response) -> list[dict[str, Any]] | str:
        status = response.status_code
        try:
            data = response.json()
        except ValueError:
            return f"Mouser returned HTTP {status} with a body that is not JSON"
        if not isinstance(data, dict):
            return f"Mouser returned HTTP {status} with an unexpected body"
        errors = [e for e in data.get("Errors") or [] if isinstance(e, dict)]
        if errors:
            return self._redact("Mouser error: " + _errors_text(errors))
        if status >= 400:
            return f"Mouser returned HTTP {status}"
        results = data.get("SearchResults") or {}
        parts = results.get("Parts") if isinstance(results, dict) else None
        return [p for p in parts or [] if isinstance(p, dict)]

    def _redact(self, text: str) -> str:
        return redact(text, self._api_key)


# -- reading Mouser's answer ---------------------------------------------------


def _pick(number: str, parts: list[dict[str, Any]]) -> MouserPart | LookupFailure:
    """The part whose Mouser number, else manufacturer number, equals ``number``."""
    key = number.casefold()
    by_sku = [p for p in parts if _text(p.get("MouserPartNumber")).casefold() == key]
    if not by_sku:
        by_sku = [p for p in parts if _text(p.get("ManufacturerPartNumber")).casefold() == key]
    skus = list(dict.fromkeys(_text(p.get("MouserPartNumber")) for p in by_sku))
    if not by_sku:
        return LookupFailure(f"no exact match at Mouser for {number}")
    if len(skus) > 1:
        return LookupFailure(
            f"{number} matches {len(skus)} Mouser parts ({', '.join(skus)}); "
            "use the Mouser part number"
        )
    try:
        return _to_part(by_sku[0])
    except ValueError as exc:
        return LookupFailure(f"cannot read Mouser's data for {number}: {exc}")


def _to_part(raw: dict[str, Any]) -> MouserPart:
    breaks: list[tuple[int, Decimal]] = []
    currency: str | None = None
    for entry in raw.get("PriceBreaks") or []:
        stated = _text(entry.get("Currency")) or None
        amount, parsed = parse_price(_text(entry.get("Price")), default_currency=stated)
        breaks.append((_quantity(entry.get("Quantity"), "price break quantity"), amount))
        currency = currency or stated or parsed
    breaks.sort(key=lambda item: item[0])
    return MouserPart(
        sku=_text(raw.get("MouserPartNumber")),
        mpn=_text(raw.get("ManufacturerPartNumber")),
        manufacturer=_text(raw.get("Manufacturer")),
        description=_text(raw.get("Description")),
        url=_text(raw.get("ProductDetailUrl")) or None,
        min_order=_optional_quantity(raw.get("Min"), "Min"),
        multiple=_optional_quantity(raw.get("Mult"), "Mult"),
        price_breaks=breaks,
        currency=currency,
        availability=_text(raw.get("Availability")) or None,
        lead_time=_text(raw.get("LeadTime")) or None,
        datasheet=_text(raw.get("DataSheetUrl")) or None,
    )


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _optional_quantity(value: object, what: str) -> int | None:
    return None if _text(value) == "" else _quantity(value, what)


def _quantity(value: object, what: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    # quantities are whole numbers, so any separator in them only groups digits
    digits = "".join(ch for ch in _text(value) if ch not in ",.' \u00a0\u202f")
    if not digits.isdigit():
        raise ValueError(f"{what} {value!r} is not a whole number")
    return int(digits)


def _errors_text(errors: list[dict[str, Any]]) -> str:
    texts = [_text(e.get("Message")) or _text(e.get("Code")) or "unknown error" for e in errors]
    text = "; ".join(dict.fromkeys(texts))
    if any("key" in _text(e.get("PropertyName")).casefold() for e in errors):
        text += " (check MOUSER_API_KEY)"
    return text


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or HTTP date), if any."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _describe(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
