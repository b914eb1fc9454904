"""GitHub ref resolution and file fetching replayed from recorded responses."""

from __future__ import annotations

import base64
import calendar
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from ctb_files.errors import CtbError
from ctb_files.vendors.github import GitHubClient

DATA = Path(__file__).parent / "data" / "github"
REPO = "acme-hw/widget-board"
API = f"/repos/{REPO}"
MAIN = "37bca993969bec160a998e0ef41a944fd3a1478b"
TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
BOM = (
    b"Reference,Value,Footprint,Quantity,MPN\n"
    b'"C1,C2,C3",100nF,Capacitor_SMD:C_0603_1608Metric,3,CL10B104KB8NNNC\n'
    b"R1,10k,Resistor_SMD:R_0603_1608Metric,1,RC0603FR-0710KL\n"
    b"U1,NE555P,Package_DIP:DIP-8_W7.62mm,1,NE555P\n"
)
PAGE_2 = "https://api.github.com/repositories/712345678/branches?per_page=100&page=2"

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def reply(name: str, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=load(name), headers=headers)


class GitHub:
    """Answers requests by path and query; an unexpected request fails the test."""

    def __init__(self, routes: dict[str, Reply]) -> None:
        self.routes = routes
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = request.url.raw_path.decode()
        if request.url.host != "api.github.com":
            key = str(request.url)
        if key not in self.routes:
            raise AssertionError(f"unexpected request {key}")
        answer = self.routes[key]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return answer(request)

    @property
    def paths(self) -> list[str]:
        return [r.url.raw_path.decode() for r in self.requests]


def github(routes: dict[str, Reply], token: str | None = None) -> tuple[GitHubClient, GitHub]:
    server = GitHub(routes)
    http = httpx.Client(transport=httpx.MockTransport(server), base_url="https://api.github.com")
    return GitHubClient(http, token), server


def branches() -> dict[str, Reply]:
    """The branch list: three branches, then two more on page 2."""
    return {
        f"{API}/branches?per_page=100": reply(
            "branches_page1.json", Link=f'<{PAGE_2}>; rel="next", <{PAGE_2}>; rel="last"'
        ),
        "/repositories/712345678/branches?per_page=100&page=2": reply("branches_page2.json"),
    }


# -- resolve_ref ---------------------------------------------------------------


def test_short_sha_resolves_through_the_commits_api() -> None:
    client, server = github({f"{API}/commits/2ba24d5": reply("commit.json")})
    assert client.resolve_ref(REPO, "2ba24d5") == "2ba24d512c9a4a7f52c6f6bf6ba8a2194ad3ce1b"
    (request,) = server.requests
    assert request.headers["Accept"] == "application/vnd.github+json"
    assert request.headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert "Authorization" not in request.headers


def test_branch_on_the_second_page() -> None:
    client, server = github(branches())
    assert client.resolve_ref(REPO, "release/rev-b") == "480932899099cc4d11fff604ac25909b0bedc1d9"
    assert server.paths == [
        f"{API}/branches?per_page=100",
        "/repositories/712345678/branches?per_page=100&page=2",
    ]


def test_branch_on_the_first_page_stops_paging() -> None:
    client, server = github(branches())
    assert client.resolve_ref(REPO, "main") == MAIN
    assert server.paths == [f"{API}/branches?per_page=100"]


def test_lightweight_tag() -> None:
    routes = branches()
    routes[f"{API}/git/matching-refs/tags/v1.0?per_page=100"] = reply("tag_refs_v1.json")
    client, server = github(routes)
    assert client.resolve_ref(REPO, "v1.0") == "01cb732dabce4eb10d6977b1abdd848729645781"
    assert len(server.requests) == 3


def test_annotated_tag_is_dereferenced_to_its_commit() -> None:
    routes = branches()
    routes[f"{API}/git/matching-refs/tags/v2.0?per_page=100"] = reply("tag_refs_v2.json")
    routes[f"{API}/git/tags/824d813c60b7baa119d62b9708b8212fc904741e"] = reply(
        "tag_object_v2.json"
    )
    client, server = github(routes)
    # v2.0-rc1 comes first in the prefix match and must not be taken
    assert client.resolve_ref(REPO, "v2.0") == "f31c08216bf36cd67f7976aaf3a717838f164726"
    assert server.paths[-1] == f"{API}/git/tags/824d813c60b7baa119d62b9708b8212fc904741e"


def test_hex_looking_ref_that_is_no_commit_branch_or_tag() -> None:
    routes = branches()
    routes[f"{API}/commits/deadbee"] = reply("no_commit.json", 422)
    routes[f"{API}/git/matching-refs/tags/deadbee?per_page=100"] = httpx.Response(200, json=[])
    client, server = github(routes)
    with pytest.raises(CtbError) as caught:
        client.resolve_ref(REPO, "deadbee")
    assert str(caught.value) == (
        "GitHub: no commit, branch or tag 'deadbee' in acme-hw/widget-board"
    )
    assert server.paths == [
        f"{API}/commits/deadbee",
        f"{API}/branches?per_page=100",
        "/repositories/712345678/branches?per_page=100&page=2",
        f"{API}/git/matching-refs/tags/deadbee?per_page=100",
    ]


def test_unknown_repository() -> None:
    client, _ = github({"/repos/acme-hw/nope/branches?per_page=100": reply("not_found.json", 404)})
    with pytest.raises(CtbError) as caught:
        client.resolve_ref("acme-hw/nope", "main")
    assert str(caught.value) == (
        "GitHub: repository acme-hw/nope not found (a private one needs GITHUB_TOKEN)"
    )


def test_malformed_repository_is_refused_before_any_request() -> None:
    client, server = github({})
    with pytest.raises(CtbError, match="must look like owner/name, not 'widget-board'"):
        client.resolve_ref("widget-board", "main")
    assert server.requests == []


def test_pagination_never_leaves_the_api_host() -> None:
    evil = "https://evil.example/branches?page=2"
    routes: dict[str, Reply] = {
        f"{API}/branches?per_page=100": reply("branches_page1.json", Link=f'<{evil}>; rel="next"'),
    }
    client, server = github(routes, token=TOKEN)
    with pytest.raises(CtbError, match="GitHub pointed to another host"):
        client.resolve_ref(REPO, "release/rev-b")
    assert all(r.url.host == "api.github.com" for r in server.requests)


# -- errors --------------------------------------------------------------------

RESET = calendar.timegm((2024, 5, 2, 14, 5, 0))


def test_rate_limit_names_the_reset_time() -> None:
    limited = reply(
        "rate_limited.json", 403, **{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(RESET)}
    )
    client, _ = github({f"{API}/branches?per_page=100": limited})
    with pytest.raises(CtbError) as caught:
        client.resolve_ref(REPO, "main")
    assert str(caught.value) == (
        "GitHub rate limit reached; resets at 14:05 UTC; set GITHUB_TOKEN "
        "(resolving 'main' in acme-hw/widget-board)"
    )


def test_rate_limit_with_a_token_does_not_suggest_one() -> None:
    limited = httpx.Response(
        429, json={"message": "slow down"}, headers={"X-RateLimit-Reset": str(RESET + 3600)}
    )
    client, _ = github({f"{API}/contents/hw/bom.csv?ref={MAIN}": limited}, token=TOKEN)
    with pytest.raises(CtbError) as caught:
        client.fetch_file(REPO, "hw/bom.csv", MAIN)
    assert str(caught.value) == (
        "GitHub rate limit reached; resets at 15:05 UTC "
        "(fetching hw/bom.csv in acme-hw/widget-board at 37bca993969b)"
    )


def test_other_403() -> None:
    forbidden = reply("forbidden.json", 403, **{"X-RateLimit-Remaining": "4987"})
    client, _ = github({f"{API}/contents/hw/bom.csv?ref={MAIN}": forbidden}, token=TOKEN)
    with pytest.raises(CtbError) as caught:
        client.fetch_file(REPO, "hw/bom.csv", MAIN)
    assert str(caught.value) == (
        "GitHub refused access (HTTP 403) while fetching hw/bom.csv in acme-hw/widget-board "
        "at 37bca993969b: Resource not accessible by personal access token"
    )


def test_bad_token() -> None:
    client, _ = github(
        {f"{API}/branches?per_page=100": reply("bad_credentials.json", 401)}, token=TOKEN
    )
    with pytest.raises(CtbError) as caught:
        client.resolve_ref(REPO, "main")
    message = str(caught.value)
    assert message == (
        "GitHub rejected the token (HTTP 401) while resolving 'main' in acme-hw/widget-board; "
        "check GITHUB_TOKEN"
    )
    assert TOKEN not in message


def test_server_error() -> None:
    client, _ = github({f"{API}/branches?per_page=100": httpx.Response(502, text="Bad Gateway")})
    with pytest.raises(CtbError) as caught:
        client.resolve_ref(REPO, "main")
    assert str(caught.value) == (
        "GitHub server error (HTTP 502) while resolving 'main' in acme-hw/widget-board; "
        "try again later"
    )


def test_network_error_and_timeout() -> None:
    client, _ = github(
        {
            f"{API}/branches?per_page=100": httpx.ConnectError(
                "[Errno -3] Temporary failure in name resolution"
            ),
            f"{API}/contents/hw/bom.csv?ref={MAIN}": httpx.ReadTimeout(
                "The read operation timed out"
            ),
        }
    )
    with pytest.raises(CtbError) as caught:
        client.resolve_ref(REPO, "main")
    assert str(caught.value) == (
        "could not reach GitHub while resolving 'main' in acme-hw/widget-board: "
        "[Errno -3] Temporary failure in name resolution"
    )
    with pytest.raises(CtbError) as caught:
        client.fetch_file(REPO, "hw/bom.csv", MAIN)
    assert str(caught.value) == (
        "GitHub did not answer in time while fetching hw/bom.csv in acme-hw/widget-board "
        "at 37bca993969b"
    )


# -- fetch_file ----------------------------------------------------------------


def test_raw_content() -> None:
    raw = httpx.Response(
        200,
        content=(DATA / "bom.csv").read_bytes(),
        headers={
            "Content-Type": "application/vnd.github.raw+json; charset=utf-8",
            "X-GitHub-Media-Type": "github.v3; param=raw; format=json",
        },
    )
    client, server = github({f"{API}/contents/hw/bom.csv?ref={MAIN}": raw})
    assert client.fetch_file(REPO, "hw/bom.csv", MAIN) == (DATA / "bom.csv").read_bytes()
    (request,) = server.requests
    assert request.headers["Accept"] == "application/vnd.github.raw+json"


def test_raw_json_file_is_not_mistaken_for_the_envelope() -> None:
    body = b'{"type": "file", "encoding": "base64", "content": ""}'
    raw = httpx.Response(
        200,
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-GitHub-Media-Type": "github.v3; param=raw",
        },
    )
    client, _ = github({f"{API}/contents/meta.json?ref={MAIN}": raw})
    assert client.fetch_file(REPO, "meta.json", MAIN) == body


def test_base64_json_content() -> None:
    client, _ = github(
        {f"{API}/contents/hw/bom.csv?ref={MAIN}": reply("contents_base64.json")}
    )
    assert client.fetch_file(REPO, "hw/bom.csv", MAIN) == BOM


def test_path_is_quoted() -> None:
    raw = httpx.Response(
        200, content=b"x", headers={"X-GitHub-Media-Type": "github.v3; param=raw"}
    )
    client, server = github({f"{API}/contents/hw/my%20bom%231.csv?ref={MAIN}": raw})
    assert client.fetch_file(REPO, "/hw/my bom#1.csv", MAIN) == b"x"
    assert server.paths == [f"{API}/contents/hw/my%20bom%231.csv?ref={MAIN}"]


def test_missing_file() -> None:
    client, _ = github(
        {f"{API}/contents/hw/missing.csv?ref={MAIN}": reply("not_found.json", 404)}
    )
    with pytest.raises(CtbError) as caught:
        client.fetch_file(REPO, "hw/missing.csv", MAIN)
    assert str(caught.value) == (
        "GitHub: hw/missing.csv in acme-hw/widget-board at 37bca993969b not found"
    )


def test_directory_is_not_a_file() -> None:
    listing = httpx.Response(200, json=[{"name": "bom.csv", "type": "file"}])
    client, _ = github({f"{API}/contents/hw?ref={MAIN}": listing})
    with pytest.raises(CtbError) as caught:
        client.fetch_file(REPO, "hw", MAIN)
    assert str(caught.value) == (
        "GitHub: hw in acme-hw/widget-board at 37bca993969b is a directory, not a file"
    )


def test_oversized_raw_file_by_length() -> None:
    big = httpx.Response(
        200, content=b"x" * 5_000_001, headers={"X-GitHub-Media-Type": "github.v3; param=raw"}
    )
    client, _ = github({f"{API}/contents/hw/board.step?ref={MAIN}": big})
    with pytest.raises(CtbError) as caught:
        client.fetch_file(REPO, "hw/board.step", MAIN)
    assert str(caught.value) == (
        "GitHub: hw/board.step in acme-hw/widget-board at 37bca993969b is 5,000,001 bytes, "
        "over the 5,000,000-byte limit"
    )


def test_oversized_raw_stream_without_length() -> None:
    streamed = httpx.Response(
        200,
        content=iter([b"a" * 64, b"b" * 64, b"c" * 64]),
        headers={"X-GitHub-Media-Type": "github.v3; param=raw"},
    )
    assert "Content-Length" not in streamed.headers
    client, _ = github({f"{API}/contents/hw/bom.csv?ref={MAIN}": streamed})
    with pytest.raises(CtbError) as caught:
        client.fetch_file(REPO, "hw/bom.csv", MAIN, max_bytes=100)
    assert str(caught.value) == (
        "GitHub: hw/bom.csv in acme-hw/widget-board at 37bca993969b is over the 100-byte limit"
    )


def test_oversized_base64_file_by_declared_size() -> None:
    doc = load("contents_base64.json")
    client, _ = github({f"{API}/contents/hw/bom.csv?ref={MAIN}": httpx.Response(200, json=doc)})
    with pytest.raises(CtbError) as caught:
        client.fetch_file(REPO, "hw/bom.csv", MAIN, max_bytes=200)
    assert str(caught.value) == (
        "GitHub: hw/bom.csv in acme-hw/widget-board at 37bca993969b is 207 bytes, "
        "over the 200-byte limit"
    )
    assert client.fetch_file(REPO, "hw/bom.csv", MAIN, max_bytes=207) == BOM


# -- the token -----------------------------------------------------------------


def test_token_is_sent_only_when_set() -> None:
    def routes() -> dict[str, Reply]:
        return {f"{API}/commits/2ba24d5": reply("commit.json")}

    with_token, server = github(routes(), token=TOKEN)
    with_token.resolve_ref(REPO, "2ba24d5")
    assert server.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    without, server = github(routes(), token=None)
    without.resolve_ref(REPO, "2ba24d5")
    assert "Authorization" not in server.requests[0].headers
    blank, server = github(routes(), token="  ")
    blank.resolve_ref(REPO, "2ba24d5")
    assert "Authorization" not in server.requests[0].headers
    assert TOKEN not in repr(with_token)


def test_the_token_is_passed_in_never_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return reply("commit.json")

    http = httpx.Client(transport=httpx.MockTransport(answer), base_url="https://api.github.com")
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    GitHubClient(http).resolve_ref(REPO, "2ba24d5")
    GitHubClient(http, TOKEN).resolve_ref(REPO, "2ba24d5")
    assert "Authorization" not in seen[0].headers
    assert seen[1].headers["Authorization"] == f"Bearer {TOKEN}"


def test_fixture_content_matches_the_raw_file() -> None:
    doc = load("contents_base64.json")
    assert base64.b64decode(doc["content"]) == BOM
    assert doc["size"] == len(BOM)


def test_make_client_defaults() -> None:
    from ctb_files import __version__
    from ctb_files.vendors.http import GITHUB_API_URL, make_client

    with make_client(GITHUB_API_URL, {"Accept": "text/plain"}) as http:
        assert str(http.base_url) == "https://api.github.com"
        assert http.headers["User-Agent"] == f"ctb-files/{__version__}"
        assert http.headers["Accept"] == "text/plain"
        assert http.timeout.connect == 10.0
        assert http.timeout.read == 30.0
        assert http.follow_redirects is True
