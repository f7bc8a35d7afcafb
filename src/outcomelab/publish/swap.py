"""Replace an output folder without ever deleting what outcomelab did not create.

A folder outcomelab publishes (the static site, and any other folder built with
:func:`replace_folder`) is written into a fresh temporary sibling, then swapped in. An existing
target is replaced only when it is empty or when it is a folder outcomelab built: it holds the
marker file :data:`MARKER`, which lists every file written, and nothing else. Anything else (a
user's folder, the parent of the evaluations, a built folder to which someone added a file) is
refused before anything is written, with a message that names what was found.

On Linux the swap is one ``renameat2(RENAME_EXCHANGE)`` call, so a web server reading the folder
sees either the old or the new content, never a missing folder; elsewhere (or on a file system
without it) the old folder is moved aside and the new one renamed into place. The old content is
then removed file by file from its own list, so a file added during the build survives.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from outcomelab.errors import InputError

__all__ = ["MARKER", "check_replaceable", "replace_folder"]

#: file in the root of every folder :func:`replace_folder` builds; lists the files written
MARKER = ".outcomelab-site.json"

T = TypeVar("T")

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _listing(root: Path) -> list[str]:
    """Every file and link below ``root``, as sorted POSIX paths relative to it."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        for name in filenames + [d for d in dirnames if (base / d).is_symlink()]:
            found.append((base / name).relative_to(root).as_posix())
    return sorted(found)


def _describe(names: list[str]) -> str:
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _read_marker(folder: Path) -> set[str] | None:
    marker = folder / MARKER
    if not marker.is_file() or marker.is_symlink():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if data.get("generator") != "outcomelab" or not isinstance(files, list):
        return None
    return {str(f) for f in files} | {MARKER}


def check_replaceable(target: str | Path, *, keep: tuple[str | Path, ...] = ()) -> None:
    """Refuse a target folder that :func:`replace_folder` must not replace.

    Parameters
    ----------
    target
        The folder to be replaced.
    keep
        Paths that must survive (e.g. the input folder): refused when inside ``target``.

    Raises
    ------
    InputError
        ``target`` is a file or a symbolic link, contains one of ``keep``, or is a non-empty
        folder that outcomelab did not build (or to which files were added since).
    """
    folder = Path(target)
    if folder.is_symlink():
        raise InputError(
            f"{folder} is a symbolic link; give the real folder to publish into. Nothing was "
            "changed."
        )
    if not folder.exists():
        return
    if not folder.is_dir():
        raise InputError(
            f"{folder} is not a folder (it is a file); give a new or empty folder. Nothing was "
            "changed."
        )
    resolved = folder.resolve()
    for path in keep:
        inside = Path(path).resolve()
        if inside == resolved or resolved in inside.parents:
            raise InputError(
                f"{folder} contains {path}, which must not be replaced; publish into a folder "
                "outside it. Nothing was changed."
            )
    present = _listing(folder)
    if not present and not any(folder.iterdir()):
        return
    ours = _read_marker(folder)
    if ours is None:
        raise InputError(
            f"{folder} is not empty and outcomelab did not create it (it holds "
            f"{_describe(present) or 'empty folders'} and no {MARKER}). Nothing was changed; "
            "give a new or empty folder, or the folder of a site published earlier."
        )
    foreign = [name for name in present if name not in ours]
    if foreign:
        raise InputError(
            f"{folder} is a site outcomelab published, but files were added that outcomelab did "
            f"not create ({_describe(foreign)}). Nothing was changed; move them out of the "
            "folder, or publish into a new folder."
        )


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux ``renameat2``); False when not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _remove_listed(folder: Path, files: set[str]) -> None:
    """Remove the listed files of ``folder``, then its empty folders; leave anything else."""
    for name in sorted(files, reverse=True):
        path = folder / name
        with contextlib.suppress(FileNotFoundError):
            if path.is_symlink() or path.is_file():
                path.unlink()
    for dirpath, _dirnames, _filenames in sorted(os.walk(folder), reverse=True):
        with contextlib.suppress(OSError):
            os.rmdir(dirpath)


def replace_folder(
    target: str | Path,
    build: Callable[[Path], T],
    *,
    keep: tuple[str | Path, ...] = (),
) -> T:
    """Build a folder in a temporary sibling and swap it in place of ``target``.

    Parameters
    ----------
    target
        The folder to create or replace (see :func:`check_replaceable` for what is refused).
    build
        Writes the new content into the folder it is given and returns a value; when it
        raises, ``target`` is left as it was and the temporary folder is removed.
    keep
        Paths that must survive (the inputs of the build).

    Returns
    -------
    The value ``build`` returned.

    Raises
    ------
    InputError
        ``target`` may not be replaced; nothing was written.
    """
    folder = Path(target)
    check_replaceable(folder, keep=keep)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.building-", dir=folder.parent))
    swapped = False
    try:
        value = build(staging)
        files = [name for name in _listing(staging) if name != MARKER]
        marker = {"generator": "outcomelab", "files": files}
        (staging / MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
        os.chmod(staging, 0o755)  # mkdtemp makes it 0700; a site is read by a web server
        check_replaceable(folder, keep=keep)  # nothing changed meanwhile
        if not folder.exists():
            os.rename(staging, folder)
            return value
        old = _read_marker(folder) or set()
        if _exchange(staging, folder):
            swapped = True
            _remove_listed(staging, old)  # the old site now sits in staging
        else:
            aside = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-", dir=folder.parent))
            os.rename(folder, aside / "old")
            os.rename(staging, folder)
            _remove_listed(aside / "old", old)
            with contextlib.suppress(OSError):
                os.rmdir(aside)
        return value
    finally:
        # before the swap the staging folder holds only what build() wrote; after it, only what
        # _remove_listed left (a file someone added meanwhile), which is kept
        if not swapped and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
