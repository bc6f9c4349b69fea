"""The index folder on disk: read-only folders, missing permissions, a full disk, untrusted and incompatible indexes.

Each problem reaches the user as one line, and the index as it was after its last
commit is still there, searchable. Permissions mean nothing to root, so when the tests
run as root the refusals the kernel would give another user are simulated.
"""

from __future__ import annotations

import errno
import json
import os
import pickle
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from stress import committed_state_problem, indexed_ids, write_corpus

from searchkit import IncompatibleIndexError, Index, UntrustedIndexError
from searchkit.cli import main

NOBODY = 65534  # a user and group id that are not ours


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(result, start: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {start}"), result.stderr
    assert "Traceback" not in result.output


_WRITES = ("mkdir", "rename", "replace", "remove", "unlink", "rmdir")


@pytest.fixture
def lock_out(monkeypatch):
    """``lock_out(folder, "read-only" | "unreadable")``: take away this process's permissions on an index folder.

    For a user other than root that is chmod. Root passes every permission check, so
    then the calls the kernel would refuse raise the PermissionError it would raise.
    """
    import builtins

    def apply(folder: Path, how: str):
        if os.geteuid() != 0:
            for path in [*folder.iterdir(), folder]:
                path.chmod(0o000 if how == "unreadable" else 0o555 if path.is_dir() else 0o444)
            return
        inside = lambda p: isinstance(p, (str, os.PathLike)) and os.fspath(p).startswith(str(folder))  # noqa: E731

        def refuse(p):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(p))

        def guard(real, writes):
            def call(path, *args, **kwargs):
                mode = args[0] if args else kwargs.get("mode", kwargs.get("flags", "r"))
                if isinstance(mode, int):
                    writing = bool(mode & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
                else:
                    writing = any(c in str(mode) for c in "wax+") or writes
                targets = [path] + [a for a in args if isinstance(a, (str, os.PathLike))]
                if any(map(inside, targets)) and (writing or how == "unreadable"):
                    refuse(path)
                return real(path, *args, **kwargs)
            return call

        monkeypatch.setattr(builtins, "open", guard(builtins.open, False))
        monkeypatch.setattr(os, "open", guard(os.open, False))
        for name in _WRITES:
            monkeypatch.setattr(os, name, guard(getattr(os, name), True))
        if how == "unreadable":
            for name in ("listdir", "scandir"):
                monkeypatch.setattr(os, name, guard(getattr(os, name), False))

    return apply


def test_read_only_index_folder_searches_but_refuses_writes_in_one_line(tmp_path, lock_out):
    index_dir = tmp_path / "idx"
    assert cli("index", write_corpus(tmp_path / "first.jsonl", 60), "--index", index_dir).exit_code == 0
    lock_out(index_dir, "read-only")
    search = cli("search", "harbour", "--index", index_dir)
    assert search.exit_code == 0 and search.stdout.startswith("60 results"), search.output
    write = cli("index", write_corpus(tmp_path / "wire.jsonl", 100), "--index", index_dir)
    one_line_error(write, f"cannot write the index in {index_dir}/: Permission denied ({index_dir}/MAIN_WRITELOCK)")
    assert sorted(indexed_ids(index_dir)) == [f"a{i:05d}" for i in range(60)]


def test_unreadable_index_folder_is_one_line(tmp_path, lock_out):
    index_dir = tmp_path / "idx"
    assert cli("index", write_corpus(tmp_path / "w.jsonl", 10), "--index", index_dir).exit_code == 0
    lock_out(index_dir, "unreadable")
    for command in (["search", "harbour"], ["stats"], ["show", "a00001"]):
        result = cli(*command, "--index", index_dir)
        one_line_error(result, f"cannot read the index in {index_dir}/: Permission denied ({index_dir})")
    write = cli("index", tmp_path / "w.jsonl", "--index", index_dir)
    one_line_error(write, f"cannot write the index in {index_dir}/: Permission denied ({index_dir})")


class _Disk:
    """Whoosh's file writes, failing with ENOSPC once ``budget`` bytes have been written.

    The count is in shared memory, so the indexing pipeline's worker processes (forked
    after the patch) fill the same disk.
    """

    def __init__(self, budget: int):
        import multiprocessing

        self._left = multiprocessing.Value("q", budget)

    @property
    def budget(self) -> int:
        return self._left.value

    def wrap(self, fileobj):
        left = self._left

        class Full:
            def write(self, data):
                with left.get_lock():
                    left.value -= len(data)
                    full = left.value < 0
                if full:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                return fileobj.write(data)

            def __getattr__(self, name):
                return getattr(fileobj, name)

        return Full()


@pytest.fixture
def full_disk(monkeypatch):
    from whoosh.filedb.filestore import FileStorage

    create_file = FileStorage.create_file

    def fill(budget: int):
        disk = _Disk(budget)

        def create(self, name, *args, **kwargs):
            f = create_file(self, name, *args, **kwargs)
            f.file = disk.wrap(f.file)
            return f

        monkeypatch.setattr(FileStorage, "create_file", create)
        return disk

    yield fill
    monkeypatch.setattr(FileStorage, "create_file", create_file)


@pytest.mark.parametrize("budget", [2_000, 60_000, 250_000])  # fails in the first batch, a few batches in, near the end
def test_disk_full_during_indexing_keeps_the_last_commit(tmp_path, full_disk, budget):
    index_dir = tmp_path / "idx"
    assert cli("index", write_corpus(tmp_path / "first.jsonl", 200), "--index", index_dir).exit_code == 0
    corpus = write_corpus(tmp_path / "wire.jsonl", 600)
    disk = full_disk(budget)
    result = cli("index", corpus, "--index", index_dir, "--batch-size", 40)
    assert disk.budget < 0  # the disk did fill up
    one_line_error(result, f"cannot write the index in {index_dir}/: No space left on device")
    found = indexed_ids(index_dir)
    assert len(found) >= 200 and committed_state_problem(found, 600, 40) is None
    full_disk(10**12)  # space again: the same command completes
    assert cli("index", corpus, "--index", index_dir, "--batch-size", 40).exit_code == 0
    assert sorted(indexed_ids(index_dir)) == [f"a{i:05d}" for i in range(600)]


def test_disk_full_during_a_rebuild_leaves_the_old_index(tmp_path, full_disk):
    index_dir = tmp_path / "idx"
    assert cli("index", write_corpus(tmp_path / "first.jsonl", 50), "--index", index_dir).exit_code == 0
    full_disk(20_000)
    result = cli("index", write_corpus(tmp_path / "wire.jsonl", 300), "--index", index_dir, "--rebuild")
    one_line_error(result, f"cannot write the index in {index_dir}/: No space left on device")
    assert sorted(indexed_ids(index_dir)) == [f"a{i:05d}" for i in range(50)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.jsonl", "idx", "wire.jsonl"]  # no half-built copy


# --- trusting an index folder ---------------------------------------------------------------------

@pytest.fixture
def built(tmp_path) -> Path:
    index_dir = tmp_path / "idx"
    assert cli("index", write_corpus(tmp_path / "w.jsonl", 20), "--index", index_dir).exit_code == 0
    return index_dir


def test_a_file_a_writer_renames_while_the_index_opens_is_passed_over(built, monkeypatch):
    """Opening reads every file's permissions; a writer's temporary table of contents can be
    renamed between the folder's listing and that read (seen when searching during a long write)."""
    ghost = built / "_MAIN_9.toc.1796433186.3631094"
    listing, is_file = Path.iterdir, Path.is_file
    monkeypatch.setattr(Path, "iterdir", lambda self: iter([*listing(self), ghost]) if self == built else listing(self))
    monkeypatch.setattr(Path, "is_file", lambda self: self == ghost or is_file(self))
    with Index.open(built) as index:
        assert index.search("harbour").total == len(indexed_ids(built))


def _refused(index_dir: Path, reason: str) -> None:
    with pytest.raises(UntrustedIndexError, match=reason):
        Index.open(index_dir)
    one_line_error(cli("search", "harbour", "--index", index_dir), f"refusing to open the index in {index_dir}/: ")
    with Index.open(index_dir, trust=True) as index:  # the caller insists
        assert len(index) == 20
    assert cli("search", "harbour", "--index", index_dir, "--trust").exit_code == 0


def test_world_writable_index_folder_is_refused_unless_trusted(built):
    built.chmod(0o777)
    _refused(built, "can be written by every user")


def test_world_writable_file_in_the_index_is_refused(built):
    toc = next(built.glob("*.toc"))
    toc.chmod(0o666)
    _refused(built, f"{toc} can be written by every user")


def test_group_writable_folder(built):
    built.chmod(0o775)  # the group is ours (as with umask 002 and a personal group): fine
    with Index.open(built) as index:
        assert len(index) == 20
    if os.geteuid() == 0:  # only root can hand the folder to a group we are not in, or to another user
        os.chown(built, -1, NOBODY)
        _refused(built, "can be written by the users of its group")
        os.chown(built, NOBODY, os.getegid())
        built.chmod(0o755)
        _refused(built, "belongs to another user")


class _Planted:
    """A pickled object that runs code when unpickled: what a hostile index could hold."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_pickled_code_in_an_untrusted_index_is_never_loaded(tmp_path):
    from whoosh import index as whoosh_index

    from searchkit.schema import make_schema

    index_dir, marker = tmp_path / "idx", tmp_path / "code-ran"
    index_dir.mkdir()
    schema = make_schema()
    whoosh_index.create_in(str(index_dir), schema)
    toc = next(index_dir.glob("*.toc"))
    toc.write_bytes(toc.read_bytes().replace(pickle.dumps(schema, 2), pickle.dumps(_Planted(marker), 2)))
    index_dir.chmod(0o777)
    with pytest.raises(UntrustedIndexError):
        Index.open(index_dir)
    assert not marker.exists()
    with pytest.raises(IncompatibleIndexError):  # trusted: the planted code runs, which is why trust is needed
        Index.open(index_dir, trust=True)
    assert marker.exists()


# --- index format -------------------------------------------------------------------------------

def test_index_records_its_format(built):
    assert json.loads((built / "searchkit-format.json").read_text())["format"] == 4
    assert stat.S_IMODE(built.stat().st_mode) & 0o022 == 0


def test_other_format_gets_a_rebuild_message_and_rebuild_fixes_it(built, tmp_path):
    (built / "searchkit-format.json").write_text(json.dumps({"format": 99}))
    hint = f"rebuild it with: searchkit index SOURCES... --index {built} --rebuild"
    with pytest.raises(IncompatibleIndexError, match="has format 99, this searchkit reads formats 1, 2, 3, 4"):
        Index.open(built)
    one_line_error(cli("search", "harbour", "--index", built), f"the index in {built}/ has format 99")
    assert hint in cli("index", tmp_path / "w.jsonl", "--index", built).stderr
    rebuilt = cli("index", write_corpus(tmp_path / "new.jsonl", 5), "--index", built, "--rebuild")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert sorted(indexed_ids(built)) == [f"a{i:05d}" for i in range(5)]  # the old 20 are gone, not merged


@pytest.mark.parametrize("damage", ["garbage toc", "empty toc", "bad format file", "other schema"])
def test_damaged_or_foreign_index_gets_a_rebuild_message(built, damage):
    from whoosh import fields, index as whoosh_index

    toc = next(built.glob("*.toc"))
    if damage == "garbage toc":
        toc.write_bytes(os.urandom(300))
    elif damage == "empty toc":
        toc.write_bytes(b"")
    elif damage == "bad format file":
        (built / "searchkit-format.json").write_text("{not json")
    else:
        (built / "searchkit-format.json").unlink()
        whoosh_index.create_in(str(built), fields.Schema(title=fields.TEXT(stored=True)))
    result = cli("search", "harbour", "--index", built)
    assert "Traceback" not in result.output and result.exit_code in (1, 2)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--rebuild" in result.stderr or "no searchkit index" in result.stderr


def test_a_rebuild_killed_between_its_two_renames_is_finished_on_next_use(tmp_path):
    # rebuilding() moves the old index aside, then the new one into place; a kill in between
    # leaves no index folder. The next command must find the new index, not build or refuse.
    corpus = write_corpus(tmp_path / "wire.jsonl", 5)
    index_dir = tmp_path / "news"
    assert cli("index", corpus, "--index", index_dir).exit_code == 0
    fresh = tmp_path / ".news.rebuild-4242"
    assert cli("index", write_corpus(tmp_path / "new.jsonl", 7), "--index", fresh).exit_code == 0
    index_dir.rename(tmp_path / ".news.old-4242")
    found = cli("stats", "--index", index_dir)
    assert found.exit_code == 0 and "Articles:    7" in found.stdout
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".news")) == []
