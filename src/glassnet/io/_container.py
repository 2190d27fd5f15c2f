"""The container of a model file: one zip (``.keras``/``.glassnet``/``.zip``) or one folder.

Writing is deterministic: members in sorted order, stored (not compressed), with a fixed
timestamp and fixed permissions, so the same members give the same bytes. Reading opens only
the member names it is told about, with a size cap for each, and rejects anything else in a
zip: unknown or duplicate members, encryption, compression other than deflate, and declared
sizes over the caps or over a plausible compression ratio (zip bombs).
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections.abc import Callable, Mapping
from typing import IO

from glassnet.errors import ModelFileError
from glassnet.io._atomic import atomic_directory, atomic_file

__all__ = ["MODEL_EXTENSIONS", "is_zip_path", "read_members", "write_members"]

MODEL_EXTENSIONS = (".keras", ".glassnet", ".zip")
#: A deflated member may expand at most this many times (float weights compress ~1.1x).
MAX_DEFLATE_RATIO = 100
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest zip timestamp: fixed, so bytes repeat

#: A member to write: its exact size in bytes and a function writing them to a binary file.
Member = tuple[int, Callable[[IO[bytes]], object]]


def is_zip_path(path: str | os.PathLike) -> bool:
    return os.fspath(path).lower().endswith(MODEL_EXTENSIONS)


# ---------------------------------------------------------------------- writing
def write_members(path: str | os.PathLike, members: Mapping[str, Member], overwrite: bool):
    """Write the members to a zip or a folder (by the path's extension), atomically."""
    if is_zip_path(path):
        with atomic_file(path, overwrite=overwrite) as file:
            _write_zip(file, members)
        return
    with atomic_directory(path, overwrite=overwrite, known=members) as folder:
        for name in sorted(members):
            with open(os.path.join(folder, name), "wb") as file:
                members[name][1](file)


def _write_zip(file: IO[bytes], members: Mapping[str, Member]) -> None:
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(members):
            size, write = members[name]
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # Unix, whatever the platform, so bytes repeat
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.file_size = size
            with archive.open(info, "w", force_zip64=size >= zipfile.ZIP64_LIMIT) as out:
                write(out)


# ---------------------------------------------------------------------- reading
def read_members(
    path: str | os.PathLike, caps: Mapping[str, int], required: tuple[str, ...]
) -> dict[str, bytearray]:
    """Read the members named in ``caps`` (name -> max bytes) from a zip or a folder.

    Raises:
        FileNotFoundError: if ``path`` does not exist.
        ModelFileError: for a corrupt, hostile or incomplete container.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        found = _read_folder(path, caps)
    elif not os.path.exists(path):
        raise FileNotFoundError(f"load: no file or folder at {path!r}.")
    else:
        found = _read_zip(path, caps)
    missing = [name for name in required if name not in found]
    if missing:
        raise ModelFileError(
            f"{path}: expected member(s) {', '.join(missing)}, got only "
            f"{', '.join(sorted(found)) or 'none'}. The file is incomplete or not a glassnet model."
        )
    return found


def _read_folder(path: str, caps: Mapping[str, int]) -> dict[str, bytearray]:
    found = {}
    for name, cap in caps.items():
        full = os.path.join(path, name)
        try:
            info = os.lstat(full)
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(info.st_mode):  # why: a symlink could point anywhere on disk
            raise ModelFileError(f"{full}: expected a regular file, got a link or special file.")
        if info.st_size > cap:
            raise ModelFileError(f"{full}: {info.st_size} bytes is over the cap of {cap}.")
        buffer = bytearray(info.st_size)
        with open(full, "rb") as file:
            if file.readinto(buffer) != info.st_size or file.read(1):
                raise ModelFileError(f"{full}: the file changed size while it was read.")
        found[name] = buffer
    return found


def _read_zip(path: str, caps: Mapping[str, int]) -> dict[str, bytearray]:
    with open(path, "rb") as file:
        try:
            with zipfile.ZipFile(file) as archive:
                infos = _check_listing(path, archive.infolist(), caps)
                return {info.filename: _read_member(path, archive, info) for info in infos}
        except ModelFileError:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError) as exc:
            raise ModelFileError(
                f"{path}: expected a glassnet model zip, got a corrupt or unreadable one ({exc})."
            ) from None
        except (NotImplementedError, RuntimeError, OSError) as exc:
            raise ModelFileError(f"{path}: the zip cannot be read safely ({exc}).") from None


def _check_listing(path: str, infos: list[zipfile.ZipInfo], caps: Mapping[str, int]):
    names = [info.filename for info in infos]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ModelFileError(f"{path}: duplicate zip member(s) {duplicates}; refusing to guess.")
    unexpected = sorted(set(names) - set(caps))
    if unexpected:
        shown = ", ".join(repr(name) for name in unexpected[:5])
        raise ModelFileError(
            f"{path}: unexpected zip member(s) {shown}. A glassnet model holds only "
            f"{', '.join(sorted(caps))}."
        )
    for info in infos:
        who = f"{path}: member {info.filename!r}"
        if info.flag_bits & 0x1:
            raise ModelFileError(f"{who} is encrypted; glassnet model files never are.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ModelFileError(
                f"{who} uses compression method {info.compress_type}; expected stored (0) or "
                "deflated (8)."
            )
        if info.file_size > caps[info.filename]:
            raise ModelFileError(
                f"{who} declares {info.file_size} bytes, over the cap of {caps[info.filename]}."
            )
        stored = info.compress_type == zipfile.ZIP_STORED
        limit = info.compress_size if stored else info.compress_size * MAX_DEFLATE_RATIO + 1024
        if info.file_size > limit:
            raise ModelFileError(
                f"{who} declares {info.file_size} bytes from {info.compress_size} compressed: "
                "an implausible ratio (zip bomb?)."
            )
    return infos


def _read_member(path: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytearray:
    buffer = bytearray(info.file_size)  # capped above, so this allocation is bounded
    with archive.open(info) as member:  # why: zipfile checks the CRC once it reaches the end
        count = member.readinto(buffer)
        extra = member.read(1)
    if count != info.file_size or extra:
        raise ModelFileError(
            f"{path}: member {info.filename!r} holds {count} bytes, not the "
            f"{info.file_size} its header declares."
        )
    return buffer
