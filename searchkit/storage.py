"""Index stage, part 0: the index folder on disk, opened safely.

Whoosh keeps the schema and parts of an index as pickles, and unpickling runs code:
an index folder that someone else can write to could make searchkit run their code.
So a folder (or a file in it) that other users can write to, or that belongs to
another user, is refused unless the caller trusts it. Each index records its format
in ``searchkit-format.json``; an index of another format, or one Whoosh cannot read,
is refused with a message to rebuild it (``searchkit index --rebuild``) instead of an
error from deep inside Whoosh. :func:`rebuilding` builds a new index beside the old
one and swaps it in only when it is complete.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import IncompatibleIndexError, IndexNotFoundError, UntrustedIndexError

FORMAT = 4  # bumped when an index written by this version cannot be read by the one before
# Formats this version reads, and searches and writes as they are. Format 1 has no word-count
# column (``body_counts``): it re-ranks from its postings, which is slower. Formats 1 and 2
# have no ``person_words``: the person filter reads the positions of names' words instead,
# which is slower and lets a run of words span two names. Formats 1-3 have no ``body_pairs`` (a
# phrase reads the positions of every article having all its words), and
# positions in the stemmed ``body`` (a split word such as "post-Soviet" is a phrase of stems there).
READS = (1, 2, 3, 4)
FORMAT_FILE = "searchkit-format.json"


def has_index(path: str | Path) -> bool:
    """True if ``path`` holds an index (a Whoosh table of contents), found without loading any of it.

    Whoosh's own ``exists_in`` opens the index to find out, and so unpickles its schema:
    that must not happen before :func:`untrusted` has had its say.
    """
    path = Path(path)
    if not path.exists():
        _finish_interrupted_swap(path)
    # os.listdir, not glob: an unreadable folder must raise, not look empty
    return path.is_dir() and any(n.startswith("_MAIN_") and n.endswith(".toc") for n in os.listdir(path))


def _finish_interrupted_swap(path: Path) -> None:
    """Put a finished rebuild in place if a crash came between the two renames of :func:`rebuilding`.

    ``.NAME.old-PID`` beside a missing ``path`` means the old index had been moved aside,
    which happens only after the new one in ``.NAME.rebuild-PID`` was complete.
    """
    for old in path.parent.glob(f".{path.name}.old-*"):
        fresh = path.parent / f".{path.name}.rebuild-{old.name.rsplit('-', 1)[1]}"
        if fresh.is_dir():
            os.rename(fresh, path)
            shutil.rmtree(old, ignore_errors=True)
            return


def _not_found(path: Path) -> IndexNotFoundError:
    return IndexNotFoundError(f"no searchkit index in {path}/ - build one with: searchkit index SOURCES... --index {path}")


def _rebuild_hint(path: Path) -> str:
    return f"rebuild it with: searchkit index SOURCES... --index {path} --rebuild"


def untrusted(path: Path) -> str | None:
    """Why another user could change the index in ``path`` (so plant code in its pickles), or None.

    Write access for the folder's group is accepted only when the group is the user's
    own primary group (as with a umask of 002 and a personal group). Only POSIX
    permissions are read: elsewhere this finds nothing.
    """
    if os.name != "posix":
        return None
    import pwd

    me, my_group = os.geteuid(), os.getegid()
    for item in [path, *(p for p in path.iterdir() if p.is_file())]:
        try:
            st = item.lstat()
        except FileNotFoundError:  # a writer's temporary file, renamed or removed since the listing
            continue
        if st.st_mode & stat.S_IWOTH:
            return f"{item} can be written by every user"
        if st.st_mode & stat.S_IWGRP and st.st_gid != my_group:
            return f"{item} can be written by the users of its group"
        if st.st_uid not in (me, 0):
            try:
                owner = pwd.getpwuid(st.st_uid).pw_name
            except KeyError:
                owner = f"uid {st.st_uid}"
            return f"{item} belongs to another user ({owner})"
    return None


def write_format(path: Path) -> None:
    """Record this version's index format in ``path`` (written whole, then renamed into place)."""
    from . import __name__ as package
    from importlib.metadata import PackageNotFoundError, version

    try:
        written_by = f"{package} {version(package)}"
    except PackageNotFoundError:  # pragma: no cover (running from a source tree)
        written_by = package
    temp = path / f".{FORMAT_FILE}.tmp"
    temp.write_text(json.dumps({"format": FORMAT, "written_by": written_by}) + "\n")
    os.replace(temp, path / FORMAT_FILE)


def _recorded_format(path: Path) -> int | None:
    """The format the index in ``path`` records, or None when it records none (or nothing readable)."""
    try:
        return int(json.loads((path / FORMAT_FILE).read_text())["format"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as e:
        raise IncompatibleIndexError(f"{path}/{FORMAT_FILE} is damaged ({e}): {_rebuild_hint(path)}") from None


def open_index(path: str | Path, *, trust: bool = False):
    """The Whoosh index in ``path``, after the checks above; OSError (permissions) is left to the caller."""
    from whoosh import index as whoosh_index

    from .mapped import MappedStorage
    from .schema import make_schema

    path = Path(path)
    if not has_index(path):
        raise _not_found(path)
    if not trust and (reason := untrusted(path)):
        raise UntrustedIndexError(
            f"refusing to open the index in {path}/: {reason}, and an index holds pickled data that can run "
            "code when loaded; fix its permissions (chmod go-w) or, if you trust it, pass --trust (trust=True)"
        )
    recorded = _recorded_format(path)
    if recorded is not None and recorded not in READS:
        raise IncompatibleIndexError(
            f"the index in {path}/ has format {recorded}, this searchkit reads formats "
            f"{', '.join(map(str, READS))}: {_rebuild_hint(path)}"
        )
    try:
        ix = whoosh_index.FileIndex(MappedStorage(str(path)))
        names = set(ix.schema.names())
    except OSError:
        raise
    except whoosh_index.EmptyIndexError:
        raise _not_found(path) from None
    except Exception as e:  # a damaged TOC, a pickle of classes that no longer exist, another program's index
        raise IncompatibleIndexError(
            f"cannot open the index in {path}/ ({type(e).__name__}: {e}): {_rebuild_hint(path)}"
        ) from None
    current = set(make_schema().names())
    # No format file: an index older than format 1 (with format 1's fields, or it is incompatible), or
    # one being created right now (the format file is written just after the table of contents).
    if recorded is None and names not in (current, current - {"body_counts", "person_words", "body_pairs"}):
        ix.close()
        raise IncompatibleIndexError(f"the index in {path}/ was built by an older searchkit: {_rebuild_hint(path)}")
    return ix


def create_index(path: str | Path):
    """A new, empty Whoosh index in ``path`` (made if needed; an index already there is replaced)."""
    from .mapped import MappedStorage
    from .schema import make_schema

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    ix = MappedStorage(str(path)).create_index(make_schema())
    write_format(path)
    return ix


@contextmanager
def rebuilding(path: str | Path) -> Iterator[Path]:
    """A fresh folder beside ``path`` to build a new index in; it replaces ``path`` only if the block succeeds.

    A crash while building leaves the old index as it was (and a ``.NAME.rebuild-PID``
    folder beside it, which the next rebuild by the same process id, or the user, removes).
    """
    path = Path(path)
    fresh = path.parent / f".{path.name}.rebuild-{os.getpid()}"
    old = path.parent / f".{path.name}.old-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        yield fresh
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    if path.exists():
        os.rename(path, old)
    os.rename(fresh, path)
    shutil.rmtree(old, ignore_errors=True)
