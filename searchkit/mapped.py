"""Index stage, part 0 (storage detail): compound segments read in place from a memory map.

Segments are compound files, one ``.seg`` each: a searcher opens it whole, so it keeps
working after a commit deletes the file (separate files broke old searchers during
commits, see BENCHMARKS.md). Whoosh maps a ``.seg`` into memory, but its ``BufferFile``
then copies each file inside into a ``BytesIO``: opening a searcher read and copied every
posting, term and stored article of the index (0.8 s and 2 GB for 1 GB of segments).
:class:`MappedStorage` hands Whoosh files that read from the map itself.
"""

from __future__ import annotations

import mmap
import pickle
from io import BytesIO

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile


_PICKLE_WINDOW = 512  # bytes: a block's header pickle is a few dozen


class _View:
    """A read-only file over ``length`` bytes of a memory map from ``base``; a read copies only what it returns."""

    __slots__ = ("_map", "_base", "_end", "_pos")

    def __init__(self, map: mmap.mmap, base: int, length: int):
        self._map, self._base, self._end, self._pos = map, base, base + length, base

    def read(self, size: int | None = -1) -> bytes:
        start = end = self._pos
        if size is None or size < 0:
            end = self._end
        elif size:
            end = start + size
            if end > self._end:
                end = self._end
        self._pos = end
        return self._map[start:end]

    def peek(self, size: int) -> bytes:
        return self._map[self._pos:min(self._pos + size, self._end)]

    def readline(self, size: int | None = -1) -> bytes:
        newline = self._map.find(b"\n", self._pos, self._end)
        line = (newline + 1 if newline >= 0 else self._end) - self._pos
        return self.read(line if size is None or size < 0 else min(size, line))

    def seek(self, offset: int, whence: int = 0) -> int:
        self._pos = max(self._base, (self._base, self._pos, self._end)[whence] + offset)
        return self._pos - self._base

    def tell(self) -> int:
        return self._pos - self._base

    def close(self) -> None:
        pass


class MappedFile(BufferFile):
    """Whoosh's ``BufferFile`` over part of a memory map, without the copy; closing the owner closes the map."""

    def __init__(self, map: mmap.mmap, base: int, length: int, name: str, owner: bool = False):
        self._map, self._base, self._owner = map, base, owner
        self._name = name
        self.file = _View(map, base, length)
        self.onclose = None
        self.is_real = False
        self.is_closed = False

    def get(self, position: int, length: int) -> bytes:
        start = self._base + position
        return self._map[start:start + length]

    def read_pickle(self):
        # Whoosh reads a pickle before every block of postings. Unpickling from the map
        # itself takes some 20 small reads; from a copy of the next bytes, one. A pickle
        # longer than that is read the slow way.
        view = self.file
        window = BytesIO(view.peek(_PICKLE_WINDOW))
        try:
            value = pickle.load(window)
        except Exception:
            return pickle.load(view)
        view.seek(window.tell(), 1)
        return value

    def subset(self, position: int, length: int, name: str | None = None) -> "MappedFile":
        return MappedFile(self._map, self._base + position, length, name or self._name)

    def close(self) -> None:
        if self._owner and not self.is_closed:
            self._map.close()
        self.is_closed = True


class MappedStorage(FileStorage):
    """Whoosh's storage of an index folder, opening compound segments as :class:`MappedFile`."""

    # False makes Whoosh's CompoundStorage open its files with our subset() instead of its own copying map.
    supports_mmap = False

    def __init__(self, folder: str):
        super().__init__(folder, supports_mmap=False)

    def open_file(self, name: str, **kwargs):
        if not name.endswith(".seg") or kwargs:
            return super().open_file(name, **kwargs)
        with open(self._fpath(name), "rb") as f:
            try:
                map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            except (ValueError, OSError):  # an empty file, or no address space left: read it as a file
                return super().open_file(name)
        return MappedFile(map, 0, len(map), name, owner=True)

    def temp_storage(self, name=None):
        return FileStorage(self.folder).temp_storage(name)
