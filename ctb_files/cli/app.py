"""The click group, the options every command shares, and the exit-code boundary."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ctb_files import __version__
from ctb_files.cli import COMMANDS
from ctb_files.errors import CtbError

if TYPE_CHECKING:  # imported where used: a fully cached ``ctb check`` never needs them
    from ctb_files.core.models.inventory import Inventory
    from ctb_files.storage.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Options:
    repo: Path | None = None
    format: str = "text"
    quiet: bool = False
    verbose: int = 0
    debug: bool = False
    dry_run: bool = False
    commit: bool = False
    no_cache: bool = False


def options() -> Options:
    ctx = click.get_current_context()
    root = ctx.find_root()
    if not isinstance(root.obj, Options):
        root.obj = Options()
    return root.obj


def _store(name: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        opts = options()
        default = getattr(Options(), name)
        if value is not None and value != default or not hasattr(opts, name):
            setattr(opts, name, value)

    return callback


def _no_progress(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    from ctb_files.render.progress import configure as configure_progress

    configure_progress(wanted=not value)


def common(formats: tuple[str, ...] = ("text", "json")) -> Callable[[F], F]:
    """``--repo --format -q -v --debug`` after the subcommand."""

    def wrap(func: F) -> F:
        func = click.option("--debug", is_flag=True, expose_value=False, callback=_store("debug"), help="Show tracebacks of internal errors.")(func)
        func = click.option(
            "--no-cache", "no_cache", is_flag=True, expose_value=False, callback=_store("no_cache"),
            help="Read and validate every file again; neither use nor update the cache in .git/ctb (also CTB_NO_CACHE=1).",
        )(func)  # fmt: skip
        func = click.option(
            "--no-progress", is_flag=True, expose_value=False, callback=_no_progress,
            help="No progress bars (they only ever show on a terminal).",
        )(func)  # fmt: skip
        func = click.option("-v", "--verbose", count=True, expose_value=False, callback=_store("verbose"), help="Say more.")(func)
        func = click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_store("quiet"), help="Say less.")(func)
        func = click.option(
            "--format", "format", type=click.Choice(formats), default=None, expose_value=False,
            callback=_store("format"), help="Output format.",
        )(func)  # fmt: skip
        func = click.option(
            "--repo", type=click.Path(path_type=Path, file_okay=False), default=None, expose_value=False,
            callback=_store("repo"), help="Inventory repository (default: nearest parent with ctb.yaml).",
        )(func)  # fmt: skip
        return func

    return wrap


def writes(func: F) -> F:
    """``--commit --dry-run`` for commands that write files."""
    func = click.option("--dry-run", is_flag=True, expose_value=False, callback=_store("dry_run"), help="Print the change; write nothing.")(func)
    func = click.option("--commit", is_flag=True, expose_value=False, callback=_store("commit"), help="Commit exactly the files changed.")(func)
    return func


def workspace() -> Workspace:
    from ctb_files.storage.workspace import Workspace

    return Workspace.open(options().repo, cache=not options().no_cache)


def read_inventory(ws: Workspace | None = None) -> Inventory:
    """The inventory for a command that only reads: answers from the files that validate.

    The files that do not are named in one warning on stderr (once per
    command); commands that write use ``ws.inventory``, which refuses.
    """
    ws = ws or workspace()
    inventory, bad = ws.readable()
    if bad and not getattr(ws, "warned", False):
        ws.warned = True  # type: ignore[attr-defined]
        shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        said = "file does not validate and is" if len(bad) == 1 else "files do not validate and are"
        click.echo(f"ctb: warning: {len(bad)} {said} left out: {shown} ('ctb check' says why)", err=True)
    return inventory


def echo_json(doc: Any) -> None:
    from ctb_files.render.table import to_json

    click.echo(to_json(doc))


def finish(
    ws: Workspace, what: str, trailers: dict[str, list[str]] | None = None, rendered: Mapping[str, bytes | None] | None = None
) -> list[str]:
    """Apply the workspace's changes honouring --dry-run and --commit; say what happened.

    ``rendered``: ``ws.changes.pending()`` as the caller took it, when nothing changed since
    (rendering every edited file again costs as much as the first time).
    """
    opts = options()
    changes = ws.changes
    if opts.dry_run:
        pending = changes.pending() if rendered is None else rendered
        diff = changes.diff(pending)
        click.echo(diff if diff else "nothing would change", err=opts.format == "json", nl=not diff)
        return list(pending)
    written = changes.apply(commit=f"ctb: {what}" if opts.commit else None, trailers=trailers, rendered=rendered)
    if not opts.quiet and opts.format != "json":
        for rel in written:
            click.echo(f"wrote {rel}", err=True)
    return written


class LazyGroup(click.Group):
    """A group that imports a command's modules only when the command is used."""

    lazy_commands: dict[str, tuple[str, ...]] = COMMANDS
    _loaded: set[str] = set()

    def _load(self, name: str) -> None:
        # every module of the command, even when one of them was imported elsewhere first
        for module in self.lazy_commands.get(name, ()):
            importlib.import_module(f"ctb_files.cli.{module}")
        self._loaded.add(name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.lazy_commands) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self._loaded:
            self._load(cmd_name)
        return self.commands.get(cmd_name)


class SplitGroup(click.Group):
    """A subcommand group whose commands live in several modules, each imported on first use.

    Subclasses name :attr:`home`, the module of every subcommand not in
    :attr:`elsewhere` (subcommand -> module), and :attr:`modules`, every
    module that adds to the group (all imported to list the commands).
    """

    home: str = ""
    elsewhere: dict[str, str] = {}
    modules: tuple[str, ...] = ()

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            importlib.import_module(f"ctb_files.cli.{self.elsewhere.get(cmd_name, self.home)}")
        return self.commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        for module in self.modules:
            importlib.import_module(f"ctb_files.cli.{module}")
        return sorted(self.commands)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="ctb")
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=None, expose_value=False, callback=_store("repo"), help="Inventory repository (default: nearest parent with ctb.yaml).")
@click.option("--debug", is_flag=True, expose_value=False, callback=_store("debug"), help="Show tracebacks of internal errors.")
@click.option("--no-cache", "no_cache", is_flag=True, expose_value=False, callback=_store("no_cache"), help="Bypass the cache of validated files in .git/ctb.")
def cli() -> None:
    """ctb — Clear To Build, kept as files.

    A git repository of YAML files is the inventory: parts, stock, project
    BOMs, builds and vendor orders. ctb validates it, clears builds against
    stock, records shortages and writes every result back as files.
    """


def _secret_free(text: str) -> str:
    """``text`` with the API tokens of the environment replaced by ``***`` (errors and tracebacks are shared)."""
    # imported only on the way out with an error: httpx is slow to import, and most commands never need it
    from ctb_files.vendors.http import SECRET_VARIABLES, redact

    return redact(text, *(os.environ.get(name) for name in SECRET_VARIABLES))


def run(argv: list[str] | None = None) -> int:
    """Run the CLI; the one place that turns exceptions into exit codes."""
    # tables fit a terminal and bars show on one; into a pipe both stay plain
    from ctb_files.render import terminal
    from ctb_files.render.progress import configure as configure_progress

    if sys.stdout.isatty():
        import shutil  # here: into a pipe (scripts, hooks, stored answers) the width is never asked

        terminal.set_width(shutil.get_terminal_size().columns)
    else:
        terminal.set_width(None)
    configure_progress(wanted=True)
    try:
        result = cli.main(args=argv, prog_name="ctb", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.Abort:
        click.echo("ctb: interrupted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2
    except CtbError as exc:
        click.echo(_secret_free(f"ctb: {exc}"), err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("ctb: interrupted", err=True)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the exit-code boundary
        debug = "--debug" in (argv if argv is not None else sys.argv)
        if debug:
            import traceback  # here: only a crash with --debug needs it

            click.echo(_secret_free(traceback.format_exc()).rstrip("\n"), err=True)
        said = f"ctb: internal error: {type(exc).__name__}: {exc}" + ("" if debug else " (run with --debug for details)")
        click.echo(_secret_free(said), err=True)
        return 3
    return result if isinstance(result, int) else 0
