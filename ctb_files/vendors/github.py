"""GitHub REST API client: resolve a ref to a commit, fetch a file at it.

Everything a user can get wrong (unknown repository, ref or path, a bad
token, the rate limit, an oversized file, a dead network) becomes one
:class:`~ctb_files.errors.CtbError` line naming what was asked for.  The
token is sent as a header only and never appears in a message.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from ctb_files.errors import CtbError
from ctb_files.vendors.http import redact

__all__ = ["GitHubClient"]

API_VERSION = "2022-11-28"
JSON_MEDIA = "application/vnd.github+json"
RAW_MEDIA = "application/vnd.github.raw+json"
PER_PAGE = 100
MAX_PAGES = 200  # 20,000 branches or tags: beyond that something is wrong
MAX_TAG_DEPTH = 8  # tags of tags of ... a commit

_REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_SHA_LIKE = re.compile(r"[0-9a-fA-F]{7,40}")


class GitHubClient:
    """Read-only GitHub access over an injected :class:`httpx.Client`.

    The client's ``base_url`` must be the API root (``https://api.github.com``;
    see :func:`ctb_files.vendors.http.make_client`).
    """

    def __init__(self, client: httpx.Client, token: str | None = None) -> None:
        self._client = client
        self._token = token.strip() if token and token.strip() else None

    def __repr__(self) -> str:
        return f"GitHubClient(authenticated={self._token is not None})"

    # -- public API ------------------------------------------------------------

    def resolve_ref(self, repo: str, ref: str) -> str:
        """The full commit sha ``ref`` names in ``repo``: a commit, else a branch, else a tag."""
        _check_repo(repo)
        ref = ref.strip()
        if not ref:
            raise CtbError(f"GitHub: empty ref for {repo}")
        where = f"resolving {ref!r} in {repo}"
        if _SHA_LIKE.fullmatch(ref):
            response = self._get(f"/repos/{repo}/commits/{ref}", where)
            if response.status_code == 200:
                return _sha(_json(response, where), where)
            # 404 / 422: not a commit here; it may still name a branch or tag
        for branch in self._pages(f"/repos/{repo}/branches", where, repo):
            if branch.get("name") == ref:
                return _sha(branch.get("commit"), where)
        for tag in self._pages(f"/repos/{repo}/git/matching-refs/tags/{_quote(ref)}", where, repo):
            if tag.get("ref") == f"refs/tags/{ref}":
                return self._peel(repo, ref, tag.get("object"), where)
        raise CtbError(f"GitHub: no commit, branch or tag {ref!r} in {repo}")

    def fetch_file(self, repo: str, path: str, commit: str, max_bytes: int = 5_000_000) -> bytes:
        """The bytes of ``path`` in ``repo`` at ``commit``; refuses more than ``max_bytes``."""
        _check_repo(repo)
        path = path.strip("/")
        place = f"{path} in {repo} at {commit[:12]}"
        where = f"fetching {place}"
        url = f"/repos/{repo}/contents/{_quote(path)}"
        try:
            with self._client.stream(
                "GET", url, params={"ref": commit}, headers=self._headers(RAW_MEDIA)
            ) as response:
                if response.status_code == 404:
                    raise CtbError(f"GitHub: {place} not found")
                if response.status_code != 200:
                    response.read()
                    self._raise_for(response, where)
                if _is_json_envelope(response):
                    response.read()
                    return _decode_envelope(_json(response, where), place, max_bytes)
                return _read_limited(response, place, max_bytes)
        except httpx.HTTPError as exc:
            raise self._network_error(exc, where) from None

    # -- plumbing ----------------------------------------------------------------

    def _headers(self, accept: str = JSON_MEDIA) -> dict[str, str]:
        headers = {"Accept": accept, "X-GitHub-Api-Version": API_VERSION}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    def _get(
        self, url: str, where: str, params: dict[str, Any] | None = None
    ) -> httpx.Response:
        """GET ``url``; returns 2xx, 404 and 422 responses, raises CtbError for the rest."""
        try:
            response = self._client.get(url, params=params, headers=self._headers())
        except httpx.HTTPError as exc:
            raise self._network_error(exc, where) from None
        if response.status_code < 300 or response.status_code in (404, 422):
            return response
        self._raise_for(response, where)
        raise AssertionError("unreachable")

    def _pages(self, url: str, where: str, repo: str) -> Iterator[dict[str, Any]]:
        """Every item of a paginated list, following ``Link: rel="next"``."""
        response = self._get(url, where, params={"per_page": PER_PAGE})
        host = response.request.url.host
        for _ in range(MAX_PAGES):
            if response.status_code == 404:
                if "/git/matching-refs/" in url:
                    return  # no tag of that name
                raise CtbError(
                    f"GitHub: repository {repo} not found (a private one needs GITHUB_TOKEN)"
                )
            if response.status_code != 200:
                self._raise_for(response, where)
            items = _json(response, where)
            if not isinstance(items, list):
                raise CtbError(f"GitHub sent an unexpected answer while {where}")
            yield from (item for item in items if isinstance(item, dict))
            following = response.links.get("next", {}).get("url")
            if not following:
                return
            if httpx.URL(following).host != host:
                # never send the token to another host
                raise CtbError(f"GitHub pointed to another host while {where}")
            response = self._get(following, where)
        raise CtbError(f"GitHub: more than {MAX_PAGES} pages while {where}")

    def _peel(self, repo: str, ref: str, target: object, where: str) -> str:
        """Follow annotated tag objects down to the commit they tag."""
        for _ in range(MAX_TAG_DEPTH):
            if not isinstance(target, dict):
                break
            kind, sha = target.get("type"), target.get("sha")
            if not isinstance(sha, str):
                break
            if kind == "commit":
                return sha
            if kind != "tag":
                raise CtbError(f"GitHub: tag {ref!r} in {repo} tags a {kind}, not a commit")
            response = self._get(f"/repos/{repo}/git/tags/{sha}", where)
            if response.status_code != 200:
                raise CtbError(f"GitHub: tag object {sha[:12]} not found while {where}")
            target = _json(response, where).get("object")
        raise CtbError(f"GitHub sent an unexpected tag while {where}")

    def _raise_for(self, response: httpx.Response, where: str) -> None:
        status = response.status_code
        remaining = response.headers.get("X-RateLimit-Remaining")
        if status in (403, 429) and (remaining == "0" or status == 429):
            message = f"GitHub rate limit reached; resets at {_reset_time(response)}"
            if not self._token:
                message += "; set GITHUB_TOKEN"
            raise CtbError(f"{message} ({where})")
        detail = self._detail(response)
        if status == 401:
            raise CtbError(
                f"GitHub rejected the token (HTTP 401) while {where}; check GITHUB_TOKEN"
            )
        if status == 403:
            raise CtbError(f"GitHub refused access (HTTP 403) while {where}{detail}")
        if status >= 500:
            raise CtbError(f"GitHub server error (HTTP {status}) while {where}; try again later")
        raise CtbError(f"GitHub returned HTTP {status} while {where}{detail}")

    def _detail(self, response: httpx.Response) -> str:
        try:
            message = response.json().get("message")
        except (ValueError, AttributeError):
            return ""
        if not isinstance(message, str) or not message.strip():
            return ""
        return ": " + redact(message.strip().splitlines()[0], self._token)

    def _network_error(self, exc: httpx.HTTPError, where: str) -> CtbError:
        if isinstance(exc, httpx.TimeoutException):
            return CtbError(f"GitHub did not answer in time while {where}")
        lines = str(exc).strip().splitlines()
        reason = redact(lines[0], self._token) if lines else type(exc).__name__
        return CtbError(f"could not reach GitHub while {where}: {reason}")


def _check_repo(repo: str) -> None:
    if not _REPO.fullmatch(repo) or ".." in repo:
        raise CtbError(f"GitHub repository must look like owner/name, not {repo!r}")


def _quote(path: str) -> str:
    return quote(path, safe="/")


def _json(response: httpx.Response, where: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise CtbError(f"GitHub sent a body that is not JSON while {where}") from None


def _sha(commit: object, where: str) -> str:
    sha = commit.get("sha") if isinstance(commit, dict) else None
    if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{40}", sha):
        raise CtbError(f"GitHub sent no commit sha while {where}")
    return sha


def _reset_time(response: httpx.Response) -> str:
    reset = response.headers.get("X-RateLimit-Reset", "")
    if not reset.isdigit():
        return "an unknown time"
    return datetime.fromtimestamp(int(reset), tz=UTC).strftime("%H:%M UTC")


def _is_json_envelope(response: httpx.Response) -> bool:
    """True for the JSON description of a file, false for its raw bytes."""
    media = response.headers.get("X-GitHub-Media-Type", "")
    if "raw" in media:
        return False
    content_type: str = response.headers.get("Content-Type", "")
    return content_type.startswith("application/json")


def _decode_envelope(data: Any, place: str, max_bytes: int) -> bytes:
    if isinstance(data, list):
        raise CtbError(f"GitHub: {place} is a directory, not a file")
    if not isinstance(data, dict) or data.get("type") != "file":
        kind = data.get("type") if isinstance(data, dict) else None
        raise CtbError(f"GitHub: {place} is a {kind or 'strange entry'}, not a file")
    size = data.get("size")
    if isinstance(size, int) and size > max_bytes:
        raise _too_big(place, max_bytes, size)
    if data.get("encoding") != "base64":
        raise CtbError(f"GitHub did not send the content of {place}")
    try:
        content = base64.b64decode(str(data.get("content", "")))
    except (binascii.Error, ValueError):
        raise CtbError(f"GitHub sent unreadable base64 for {place}") from None
    if len(content) > max_bytes:
        raise _too_big(place, max_bytes, len(content))
    return content


def _read_limited(response: httpx.Response, place: str, max_bytes: int) -> bytes:
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise _too_big(place, max_bytes, int(length))
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise _too_big(place, max_bytes, None)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_big(place: str, max_bytes: int, size: int | None) -> CtbError:
    actual = f"{size:,} bytes, " if size is not None else ""
    return CtbError(f"GitHub: {place} is {actual}over the {max_bytes:,}-byte limit")
