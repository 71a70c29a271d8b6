"""The file of a snapshot (python -m indexer snapshot), for every backend: a tar file.

    vnsearch-snapshot.json   MANIFEST, the first member: what the snapshot holds
    <folder>/...             the backend's files (a Whoosh index directory, or an
                             OpenSearch snapshot repository)

A snapshot is written beside its destination under a temporary name, put on disk and
renamed: the destination is whole or absent, never a part. Reading one checks that it is
a snapshot, of this format and of the backend asked; members are extracted with
tarfile's "data" filter (no path out of the target folder, no device, no link out).
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import time
from pathlib import Path

from .disk import fsync_dir
from .errors import BackupError

MANIFEST = "vnsearch-snapshot.json"
FORMAT = 1  # of the snapshot file; a reader refuses another


def manifest(backend: str, **fields) -> dict:
    """What a snapshot says of itself: its format, backend, when it was taken, *fields*."""
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return {"format": FORMAT, "backend": backend, "created": created, **fields}


def destination(out: str | Path) -> Path:
    """The snapshot file *out*, once it is one that can be written (checked before the
    work): BackupError when it names a folder or lies in none."""
    out = Path(out)
    if out.is_dir():
        raise BackupError(f"{out} is a folder: name the snapshot file to write (OUT.tar)")
    if not out.parent.is_dir():
        raise BackupError(f"no folder {out.parent} to write {out.name} into")
    return out


def write(out: str | Path, described: dict, folder: Path, name: str) -> int:
    """Write the tar file *out*: *described* (the manifest), then the folder *folder* as
    *name*/; atomically. Return its size in bytes."""
    out = destination(out)
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                data = json.dumps(described, ensure_ascii=False, indent=2).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
                tar.addfile(info, io.BytesIO(data))
                tar.add(folder, arcname=name)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_dir(out.parent)
    return out.stat().st_size


def read_manifest(archive: str | Path, backend: str) -> dict:
    """The manifest of the snapshot *archive*; BackupError when it is none, of another
    format, or of another backend than *backend*."""
    archive = Path(archive)
    try:
        with tarfile.open(archive, "r:*") as tar:
            member = tar.next()
            if member is None or member.name != MANIFEST or not member.isfile():
                raise BackupError(f"{archive} is not a vnsearch snapshot (no {MANIFEST} first)")
            described = json.loads(tar.extractfile(member).read())
    except FileNotFoundError:
        raise BackupError(f"no snapshot file {archive}") from None
    except IsADirectoryError:
        raise BackupError(f"{archive} is a folder, not a snapshot file") from None
    except (tarfile.TarError, ValueError, EOFError) as error:
        raise BackupError(f"{archive} is not a vnsearch snapshot: {error}") from None
    if not isinstance(described, dict) or described.get("format") != FORMAT:
        raise BackupError(f"{archive} is a snapshot of another format than {FORMAT}")
    if described.get("backend") != backend:
        raise BackupError(
            f"{archive} is a snapshot of a {described.get('backend')} index; restore it"
            f" with --backend {described.get('backend')}"
        )
    return described


def extract(archive: str | Path, name: str, target: Path) -> Path:
    """Extract the folder *name*/ of the snapshot *archive* into the folder *target*
    (made); return the extracted folder (target / name)."""
    target.mkdir(parents=True)
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = [m for m in tar if m.name == name or m.name.startswith(name + "/")]
            tar.extractall(target, members=members, filter="data")
    except (tarfile.TarError, EOFError) as error:
        raise BackupError(f"{archive} could not be read whole: {error}") from None
    if not (target / name).is_dir():
        raise BackupError(f"{archive} holds no {name}/: it is damaged")
    return target / name
