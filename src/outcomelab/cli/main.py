"""Entry point of the ``outcomelab`` command.

Each command lives in its own module in this package and registers itself on :data:`app`. ``run()``
turns every :class:`~outcomelab.errors.OutcomelabError` into one readable line on stderr and the
error's exit code: a municipality's officer never sees a traceback for bad input.
"""

from __future__ import annotations

import importlib
import sys

import typer

from outcomelab.errors import OutcomelabError

#: plain help pages (no rich boxes): rendering help with rich imports about a second of modules
#: and would make every ``outcomelab --help`` slow (benchmarks/import_time.py)
HELP_MARKUP = None

app = typer.Typer(
    name="outcomelab",
    help="Validate, store, evaluate and publish social-investment outcome data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=HELP_MARKUP,
)


#: the command modules; each defines its commands on :data:`app` when imported
COMMAND_MODULES = (
    "batch",
    "contract",
    "demo",
    "evaluate",
    "example",
    "notebook",
    "plan",
    "publish",
    "pseudonymise",
    "schemas",
    "serve",
    "submit",
    "users",
    "validate",
)


def _register_commands() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"outcomelab.cli.{name}")


def fail(message: str, code: int) -> typer.Exit:
    """Print ``Error: message`` on one line in red on stderr; return the exit to raise.

    A library's message may span lines; the command's output never does.
    """
    one_line = " ".join(message.split())
    typer.secho(f"Error: {one_line}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def run() -> None:
    """Run the CLI, mapping outcomelab errors to a one-line message and an exit code.

    The command-line library runs in standalone mode, so it handles its own usage errors
    (unknown command or option, missing or bad value, no arguments: the usage line and exit 2)
    and ``typer.Exit``, whichever copy of click it ships with (typer >= 0.16 vendors one as
    ``typer._click``, whose exceptions are not ``click.exceptions``). Only outcomelab's own
    errors and bugs reach the handlers here.
    """
    from outcomelab.reports.startup import skip_iri_grammar

    skip_iri_grammar()  # this process is ours: 1.7 s less on the way to every report
    _register_commands()
    try:
        app(standalone_mode=True)
    except OutcomelabError as err:
        typer.secho(f"Error: {err}", fg=typer.colors.RED, err=True)
        sys.exit(err.exit_code)
    except Exception as err:  # last line of defence: a bug, but still no traceback for users
        typer.secho(
            f"Internal error ({type(err).__name__}): {err}. "
            "This is a bug in outcomelab; please report it with the command you ran.",
            fg=typer.colors.RED,
            err=True,
        )
        sys.exit(3)
