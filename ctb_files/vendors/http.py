"""The one place that builds real HTTP clients, plus secret redaction.

Vendor clients never build their own :class:`httpx.Client`; they take one.
The CLI calls :func:`make_client`, tests pass a client over
:class:`httpx.MockTransport`.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx

from ctb_files import __version__

__all__ = ["GITHUB_API_URL", "MOUSER_API_URL", "SECRET_VARIABLES", "USER_AGENT", "HttpClient", "make_client", "redact"]

# the environment variables that hold API tokens: never in files, errors or tracebacks
SECRET_VARIABLES = ("MOUSER_API_KEY", "GITHUB_TOKEN")

# the client type, for callers above this layer that must not import httpx themselves
HttpClient = httpx.Client

MOUSER_API_URL = "https://api.mouser.com"
GITHUB_API_URL = "https://api.github.com"
USER_AGENT = f"ctb-files/{__version__}"

# slow vendor APIs are normal; a dead one should not hang a command for minutes
_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


def make_client(base_url: str, headers: dict[str, str] | None = None) -> httpx.Client:
    """An :class:`httpx.Client` for ``base_url`` with ctb's timeouts and User-Agent.

    Connect timeout 10 s, read/write/pool 30 s; redirects are followed.
    ``headers`` are added to (and may override) the defaults.
    """
    merged = {"User-Agent": USER_AGENT}
    merged.update(headers or {})
    return httpx.Client(
        base_url=base_url, headers=merged, timeout=_TIMEOUT, follow_redirects=True
    )


def redact(text: str, *secrets: str | None) -> str:
    """``text`` with every non-empty secret (also URL-quoted) replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***").replace(quote(secret, safe=""), "***")
    return text
