"""``ctb project sync`` from GitHub: recorded API answers replayed through MockTransport."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import httpx
import pytest

from ctb_files.cli import main
from ctb_files.storage import sources
from ctb_files.storage.yaml import load_fast
from tests.conftest import write_tree

DATA = Path(__file__).parent / "data" / "sync"
RECORDED = json.loads((DATA / "github" / "recorded.json").read_text())
SHAS = RECORDED["shas"]


class Replay:
    """Answers requests from the recording; remembers what was asked."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = f"{request.method} {request.url.raw_path.decode()}"
        answer = RECORDED["responses"].get(key)
        if answer is None:
            return httpx.Response(404, json={"message": "Not Found"})
        headers = dict(answer.get("headers", {}))
        if "file" in answer:
            return httpx.Response(answer["status"], headers=headers, content=(DATA / answer["file"]).read_bytes())
        if "envelope" in answer:
            content = (DATA / answer["envelope"]).read_bytes()
            body = {"type": "file", "encoding": "base64", "size": len(content), "name": answer["envelope"],
                    "content": base64.encodebytes(content).decode()}  # fmt: skip
            return httpx.Response(answer["status"], headers=headers, content=json.dumps(body).encode())
        return httpx.Response(answer["status"], headers=headers, json=answer["json"])


@pytest.fixture
def replay(monkeypatch: pytest.MonkeyPatch) -> Replay:
    handler = Replay()
    made: list[str] = []

    def factory(base_url: str) -> httpx.Client:
        made.append(base_url)
        return httpx.Client(base_url=base_url, transport=httpx.MockTransport(handler))

    monkeypatch.setattr(sources, "http_client_factory", factory)
    return handler


def inventory(tmp_path: Path, repo: str, versions: str, bom_path: str = "vco.csv") -> Path:
    root = tmp_path / "inv"
    shutil.copytree(DATA / "inventory", root)
    write_tree(root, {"projects/vco/project.yaml": f"name: VCO\nsource: {{github: {repo}}}\nbom_path: {bom_path}\nversions: {versions}\n"})
    return root


def sync(root: Path, *args: str) -> int:
    return main(["--repo", str(root), "project", "sync", "vco", *args])


def bom(root: Path, version: str) -> dict:
    return load_fast((root / f"projects/vco/bom/{version}.yaml").read_bytes(), version)


def test_commit_tag_and_branch_on_a_later_page(tmp_path: Path, replay: Replay, capsys: pytest.CaptureFixture[str]) -> None:
    root = inventory(
        tmp_path, "thismatters/EurorackVco",
        f"[{{name: v1, ref: {SHAS['v1'][:7]}}}, {{name: v1-tag, ref: v1.0}}, {{name: v2, ref: rev-b}}]",
    )  # fmt: skip
    assert sync(root, "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert [(v["version"], v["commit"], v["rows"], v["matched"]) for v in doc["versions"]] == [
        ("v1", SHAS["v1"], 9, 7),
        ("v1-tag", SHAS["v1"], 9, 7),
        ("v2", SHAS["main"], 9, 7),
    ]
    v1, v2 = bom(root, "v1"), bom(root, "v2")
    assert {k: v for k, v in v1["source"].items() if k != "synced_at"} == {
        "github": "thismatters/EurorackVco", "ref": SHAS["v1"][:7], "commit": SHAS["v1"], "path": "vco.csv", "format": "ctb-csv",
    }  # fmt: skip
    assert bom(root, "v1-tag")["rows"] == v1["rows"]
    assert [r["quantity"] for r in v1["rows"] if r["line"] == 4] == [2, 2]
    assert [r["quantity"] for r in v2["rows"] if r["line"] == 4] == [3, 3]
    paths = [r.url.raw_path.decode() for r in replay.requests]
    assert "/repos/thismatters/EurorackVco/branches?per_page=100&page=2" in paths
    assert f"/repos/thismatters/EurorackVco/git/tags/{SHAS['tag']}" in paths
    assert all("authorization" not in r.headers for r in replay.requests)


def test_token_from_the_environment_is_sent(tmp_path: Path, replay: Replay, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_example")
    root = inventory(tmp_path, "thismatters/EurorackVco", f"[{{name: v1, ref: {SHAS['v1'][:7]}}}]")
    assert sync(root) == 0
    assert {r.headers.get("authorization") for r in replay.requests} == {"Bearer ghp_example"}


@pytest.mark.parametrize(
    ("repo", "versions", "bom_path", "message"),
    [
        ("thismatters/EurorackVco", f"[{{name: v1, ref: {SHAS['v1'][:7]}}}]", "missing.csv", "missing.csv"),
        ("thismatters/EurorackVco", "[{name: v1, ref: nope}]", "vco.csv", "'nope'"),
        ("thismatters/Private", "[{name: v1, ref: main}]", "vco.csv", "thismatters/Private not found"),
        ("thismatters/Busy", "[{name: v1, ref: main}]", "vco.csv", "rate limit"),
        ("thismatters/EurorackVco", "[{name: v1}]", "vco.csv", "a version synced from GitHub needs a ref"),
    ],
)
def test_errors_are_one_line_exit_1_and_write_nothing(
    tmp_path: Path, replay: Replay, capsys: pytest.CaptureFixture[str], repo: str, versions: str, bom_path: str, message: str
) -> None:
    root = inventory(tmp_path, repo, versions, bom_path)
    assert sync(root) == 1
    err = capsys.readouterr().err
    assert err.startswith("ctb: ") and message in err and len(err.strip().splitlines()) == 1
    assert not (root / "projects/vco/bom").exists()


def test_oversized_file(tmp_path: Path, replay: Replay, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sources, "MAX_BOM_BYTES", 50)
    root = inventory(tmp_path, "thismatters/EurorackVco", f"[{{name: v1, ref: {SHAS['v1'][:7]}}}]")
    assert sync(root) == 1
    assert "over the 50-byte limit" in capsys.readouterr().err
    assert not (root / "projects/vco/bom").exists()


def test_network_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Name or service not known", request=request)

    monkeypatch.setattr(sources, "http_client_factory", lambda base: httpx.Client(base_url=base, transport=httpx.MockTransport(down)))
    root = inventory(tmp_path, "thismatters/EurorackVco", "[{name: v1, ref: main}]")
    assert sync(root) == 1
    err = capsys.readouterr().err
    assert "could not reach GitHub" in err and len(err.strip().splitlines()) == 1


def test_resync_unchanged_writes_nothing(tmp_path: Path, replay: Replay, capsys: pytest.CaptureFixture[str]) -> None:
    root = inventory(tmp_path, "thismatters/EurorackVco", "[{name: v2, ref: rev-b}]")
    assert sync(root) == 0
    before = (root / "projects/vco/bom/v2.yaml").read_bytes()
    capsys.readouterr()
    assert sync(root) == 0
    assert "wrote" not in capsys.readouterr().err
    assert (root / "projects/vco/bom/v2.yaml").read_bytes() == before
