"""Vendor and source APIs (Mouser, GitHub), each over an injected ``httpx.Client``.

Nothing here reads files or talks to git; only the CLI builds real clients
(:func:`make_client`) and passes them in.
"""

from __future__ import annotations

from ctb_files.vendors.github import GitHubClient
from ctb_files.vendors.http import GITHUB_API_URL, MOUSER_API_URL, make_client
from ctb_files.vendors.mouser import LookupFailure, MouserClient, MouserPart
from ctb_files.vendors.prices import parse_price

__all__ = [
    "GITHUB_API_URL",
    "MOUSER_API_URL",
    "GitHubClient",
    "LookupFailure",
    "MouserClient",
    "MouserPart",
    "make_client",
    "parse_price",
]
