"""Atomic writes: a file or a folder appears complete under its name, or not at all.

Everything is written to a temporary name in the same folder (so the final rename never
crosses file systems), flushed to disk, then renamed over the target with ``os.replace``. A
crash or an exception part-way leaves the previous file untouched; a hard kill may leave a
``.<name>.<random>.tmp`` file behind, never a half-written target.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator
from typing import IO

__all__ = ["atomic_directory", "atomic_file", "check_overwrite"]


def check_overwrite(path: str, overwrite: bool, who: str) -> None:
    """Raise FileExistsError when ``path`` exists and ``overwrite`` is False."""
    if not overwrite and os.path.lexists(path):
        raise FileExistsError(
            f"{who}: {path!r} already exists and overwrite=False. Pass overwrite=True to "
            "replace it, or choose another path."
        )


def _temp_name(path: str) -> str:
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")


def _fsync_folder(folder: str) -> None:
    with contextlib.suppress(OSError):  # why: not every platform can open a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike, *, overwrite: bool = True) -> Iterator[IO[bytes]]:
    """Yield a binary file; on a clean exit it replaces ``path`` in one rename.

    Raises:
        FileExistsError: if ``path`` exists and ``overwrite`` is False.
        IsADirectoryError: if ``path`` is a folder.
    """
    path = os.fspath(path)
    check_overwrite(path, overwrite, "save")
    if os.path.isdir(path):
        raise IsADirectoryError(
            f"save: {path!r} is a folder, expected a file path. Choose a file name such as "
            "'model.keras' or 'model.weights.safetensors'."
        )
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    temp = _temp_name(path)
    # why: os.open with 0o666 lets the umask set the mode, as a plain open() would
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temp)
        raise
    _fsync_folder(folder)


@contextlib.contextmanager
def atomic_directory(
    path: str | os.PathLike, *, overwrite: bool = True, known: Iterable[str] = ()
) -> Iterator[str]:
    """Yield a fresh temporary folder; on a clean exit it takes the place of ``path``.

    An existing folder at ``path`` is replaced only if it holds nothing but the ``known``
    file names, so a model is never saved over a folder of other data.

    Raises:
        FileExistsError: if ``path`` exists and ``overwrite`` is False, or it is a file, or a
            folder holding other things.
    """
    path = os.path.abspath(os.fspath(path))
    check_overwrite(path, overwrite, "save")
    _check_replaceable(path, set(known))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temp = _temp_name(path)
    os.mkdir(temp, 0o777)
    try:
        yield temp
        for name in sorted(os.listdir(temp)):
            with open(os.path.join(temp, name), "rb+") as file:
                os.fsync(file.fileno())
        _swap(temp, path)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    _fsync_folder(os.path.dirname(path))


def _check_replaceable(path: str, known: set[str]) -> None:
    if not os.path.lexists(path):
        return
    if os.path.islink(path) or not os.path.isdir(path):
        raise FileExistsError(
            f"save: {path!r} exists and is not a folder; a path without the .keras, "
            ".glassnet or .zip extension is saved as a folder. Remove it or choose another path."
        )
    others = sorted(set(os.listdir(path)) - known)
    if others:
        raise FileExistsError(
            f"save: {path!r} is a folder holding other files ({', '.join(others[:5])}); "
            "expected a glassnet model folder. Choose an empty or new path."
        )


def _swap(temp: str, path: str) -> None:
    """Move ``temp`` to ``path``; an old folder there is moved aside first, then deleted."""
    if not os.path.lexists(path):
        os.replace(temp, path)
        return
    # NOTE: POSIX cannot rename a folder over a non-empty one. Between these two renames the
    # old model lives on under a '.<name>.<random>.tmp' name, complete.
    aside = _temp_name(path)
    os.replace(path, aside)
    os.replace(temp, path)
    shutil.rmtree(aside, ignore_errors=True)
