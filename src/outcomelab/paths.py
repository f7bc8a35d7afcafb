"""Checking the paths a user gives before any work starts.

A command that will write somewhere checks that place first, so a wrong path costs a second and
one line of explanation, not a validation run followed by an internal error: the path (or one of
its parents) is a file, the folder is read-only for this user, a ``~`` was not expanded, or the
folder holds files of the user's own under the names the command writes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from outcomelab.errors import InputError, ParameterError

__all__ = ["check_output_folder", "existing_ancestor", "expand_home"]


def expand_home(path: str | os.PathLike[str], *, what: str = "path") -> Path:
    """``path`` with a leading ``~`` or ``~user`` expanded, as a shell would.

    Raises
    ------
    InputError
        The home folder of ``~user`` is unknown.
    """
    raw = Path(path)
    try:
        return raw.expanduser()
    except RuntimeError as err:
        raise InputError(
            f"The {what} {raw} starts with '~' but that home folder is unknown; give the full path."
        ) from err


def existing_ancestor(path: Path) -> Path:
    """``path`` itself if it exists, else its nearest existing parent (``.`` at worst)."""
    current = path
    while not current.exists() and not current.is_symlink():
        if current.parent == current:
            break
        current = current.parent
    return current


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def check_output_folder(
    path: str | os.PathLike[str],
    *,
    option: str,
    writes: Iterable[str] = (),
    ours: Callable[[Path], bool] | None = None,
    error: type[InputError] = ParameterError,
) -> Path:
    """Check that a command may write its output into the folder ``path``.

    Parameters
    ----------
    path
        The output folder (need not exist yet).
    option
        How the user gave it (``--out``), for the message.
    writes
        Names the command writes directly inside the folder (files or folders).
    ours
        Says whether an existing folder is a previous output of the same command; then the
        names in ``writes`` may be replaced. Without it, any existing name in ``writes`` is
        refused.
    error
        The exception class to raise.

    Returns
    -------
    pathlib.Path
        The path with ``~`` expanded.

    Raises
    ------
    InputError
        The path or a parent of it is a file, the folder cannot be written by this user, or it
        holds one of ``writes`` that the command did not make.
    """
    folder = expand_home(path, what=f"{option} folder")
    found = existing_ancestor(folder)
    if found.exists() and not found.is_dir():
        where = "is a file" if found == folder else f"is inside {found}, which is a file"
        raise error(f"{option} {folder} {where}; give a folder (new or empty).")
    if not _writable(found):
        raise error(
            f"{option} {folder} cannot be written: {found} is read-only for this user; give a "
            "folder you can write."
        )
    if folder.is_dir():
        clash = sorted(name for name in writes if (folder / name).exists())
        if clash and not (ours is not None and ours(folder)):
            raise error(
                f"{option} {folder} already holds {', '.join(clash)}, which outcomelab did not "
                "write there; nothing was changed. Give a new or empty folder."
            )
    return folder
