"""Where the bundled, non-code files live: standard schemas and report templates.

In a wheel they are installed under ``outcomelab/_bundled``; in a source checkout (editable install)
they are read from the repository's top-level ``data_schemas/`` and ``templates/`` folders.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["schemas_dir", "templates_dir"]

_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    installed = _PACKAGE_DIR / "_bundled" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE_DIR.parents[1] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"outcomelab's bundled folder {name!r} was found neither at {installed} nor at {checkout}; "
        "reinstall the package."
    )


def schemas_dir() -> Path:
    """Return the folder that holds the standard data schemas (``datapackage.json`` and friends).

    Returns
    -------
    pathlib.Path
        Absolute path of the bundled ``data_schemas`` folder.
    """
    return _bundled("data_schemas")


def templates_dir() -> Path:
    """Return the folder that holds the Papermill report templates.

    Returns
    -------
    pathlib.Path
        Absolute path of the bundled ``templates`` folder.
    """
    return _bundled("templates")
