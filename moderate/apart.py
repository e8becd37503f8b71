"""A merging save's parsing and merging, done in a child process rather than beside the screen.

The compiled TOML parser is several times faster than the standard library's, but it never
lets go of the GIL: in a thread of the app it would stop the keys for the whole parse. In a
child process it holds only the child's. The app's thread hands the child what it needs
(the text the save was made on, ours, the file as found) through pipes and only waits; the
child parses, merges and sends back the merged text and what the app goes on from.

What goes either way is small, whatever the size of the inspection: ours is sent as a
pickle in which each record ours shares with the base (a case nobody changed, an entry of
the log already in the file) is a reference to the child's own copy, parsed from the text;
the merged inspection comes back the same way, each record it shares with ours a reference
to the app's own. Unpickling thus builds only what the merge changed.

The child writes nothing, to any file: the lock, the journal's mark and the atomic write
stay with the app. Killed at any moment, it leaves the file as it was and the save says so
(`Stopped`); the app killed, the kernel kills the child, and an idle child finds its pipe
closed and ends. Its pipes are the kernel's, unnamed: nothing for another user to open.

A child that answered waits for the next job (one is kept, `_Kept`): a save then does not
wait for Python to start and import the merge, about a tenth of a second of CPU each time.
It holds the base it was sent and what it made of the file (the merge written, the file
read), with their texts: a next job whose base is one of them (the app goes on from what a
merging save wrote, or from another's save it read) names it, instead of sending it again.
It holds them only for a file of up to `_HOLD` bytes: about four times that, kept idle.
"""

from __future__ import annotations

import codecs
import contextlib
import copyreg
import ctypes
import gc
import io
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
import traceback
from concurrent.futures import Future
from dataclasses import dataclass, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, Callable, Iterable, Iterator, Mapping

from .merge import Author, Conflict, Side, merge, same
from .frameworks import Framework
from . import model
from .model import Inspection
from .limits import decoded
from .reading import InspectionError, parse_bytes
from .writing import Made

_ROOT = str(Path(__file__).resolve().parent.parent)  # where this copy of the package is imported from
# The records of an inspection that a pickle may name by position instead of spelling out.
_SHARED = ("standards", "cases", "moderation", "discretion", "dip_sample")
_LENGTH = 8  # bytes of each frame's length
_SAID = 4096  # bytes of what the child said on stderr kept, for its last line
_HOLD = 16 << 20  # bytes of the file, at most, for the child to hold its base between jobs (`_holds`)


class Stopped(Exception):
    """The child ended without its answer (killed, out of memory): nothing was merged."""


@dataclass(frozen=True)
class Merging:
    """What the child found: the file replaced by `another` inspection (why), or the merge:
    with its `conflicts` (nothing to write; `text` is the file as found), or without (`text`
    is the merged file's, to write)."""

    another: str | None
    inspection: Inspection | None = None
    conflicts: tuple[Conflict, ...] = ()
    text: str = ""
    data: bytes | bytearray = b""  # `text` in UTF-8, as it came


def merge_apart(
    base: Inspection,
    base_data: bytes,
    ours: Inspection,
    current: bytes,
    name: str,
    choices: Mapping[Conflict, Side] | None,
    author: Author | None,
) -> Merging:
    """Merge `ours` (an edit of `base`, read from `base_data`) with `current`, the file as
    found, in a child process. InspectionError if `current` is broken; `Stopped` if the child
    ended without an answer; OSError if it could not be started."""
    kind, *rest = _ask("merge", base, base_data, ours, current, name, dict(choices or {}), author)
    if kind == "another":
        return Merging(rest[0])
    inspection, conflicts, data = rest
    return Merging(None, inspection, tuple(conflicts), _text(data), data)


def parse_apart(base: Inspection, base_data: bytes, data: bytes, name: str) -> tuple[Inspection, Framework]:
    """Someone else's save of the file (`data`), read in a child process: each record it
    shares with `base` (the file as we read it, from `base_data`) is `base`'s own.
    InspectionError if it is broken; `Stopped` if the child ended without an answer."""
    _, inspection, framework, _ = _ask("parse", base, base_data, base, data, name)
    return inspection, framework


def _ask(job: str, base: Inspection, base_data: bytes, ours: Inspection, data: bytes, name: str, *more: Any) -> list[Any]:
    """Hand a child `job`; its answer, each record it shares with `ours` (which shares with
    `base`) ours' own, and its text last."""
    child, kept = _KEPT.take()
    try:
        return _answer_of(child, job, base, base_data, ours, data, name, *more)
    except _Ended:
        if not kept:
            raise
    # The kept child ended as it was handed the job (killed while it waited, say): a child
    # writes nothing, so the job is handed whole to a new one.
    return _answer_of(_KEPT.start(), job, base, base_data, ours, data, name, *more)


def _answer_of(
    child: _Child, job: str, base: Inspection, base_data: bytes, ours: Inspection, data: bytes, name: str, *more: Any
) -> list[Any]:
    """`_ask`, of `child`: kept for the next job unless it failed this one."""
    held = next((at for at, kept in enumerate(child.holds) if kept is base), None)
    pieces = _in_pieces(base) if held is None else []

    def frames() -> Iterator[bytes]:  # each pickled as it is written, the child reading meanwhile
        yield pickle.dumps((job, name, held, len(pieces), *more))
        yield from (_dumps(piece, None) for piece in pieces)
        yield from (_dumps(ours, base), base_data if held is None else b"", data)

    try:
        answer = _run(child, frames(), _WHAT[job])
        kind, *rest = _loads(answer[0], ours)
    except BaseException:
        child.end(kill=True)  # no one will read what it says next
        raise
    if kind == "failed":  # it ends after saying so
        child.end()
        raise Stopped(f"the {_WHAT[job]} failed: {rest[0]}")
    child.holds = _holds(kind, base, rest) if len(data) <= _HOLD else ()
    _KEPT.give_back(child)
    if kind == "refused":
        raise InspectionError(*rest)
    return [kind, *rest, answer[1]]


_WHAT = {"merge": "merge", "parse": "reading of the file"}
_LET_GO = 5.0  # seconds a child let go has to end (its stdin closed) before it is killed


class _Ended(Stopped):
    """The child ended before its answer was whole."""


def _holds(kind: str, base: Inspection, answer: list[Any]) -> tuple[Inspection | None, ...]:
    """What the child holds after answering `kind` (as its `_answer` says), as the app has it:
    the base and what it made (the file read; the merge, if it is to be written)."""
    if kind == "parsed":
        return base, answer[0]
    if kind == "merged":
        return base, None if answer[1] else answer[0]
    return (base,) if kind == "another" else ()


def _run(child: _Child, frames: Iterable[bytes], what: str) -> list[bytearray]:
    """Hand `child` the job's `frames`, wait for its answer's two; `what` it does, in words."""
    try:
        _write_frames(child.stdin, frames)
    except BrokenPipeError:
        pass  # it died: said below
    answer = _read_frames(child.stdout, 2)
    if len(answer) == 2:
        return answer
    status, said = child.end()
    if status == 0:
        raise _Ended(f"the {what} was cut short")
    why = f"killed by signal {-status}" if status < 0 else f"exit status {status}"
    last = said.decode("utf-8", "replace").strip().splitlines()[-1:]
    raise _Ended(f"the {what} was stopped ({why}{': ' + last[0] if last else ''})")


class _Child:
    """A merge process, answering one job after another on its pipes until its stdin closes."""

    def __init__(self) -> None:
        self.holds: tuple[Inspection | None, ...] = ()  # the app's own of what it holds, by place
        code = "import sys; sys.path.insert(0, sys.argv[1]); from moderate.apart import main; main()"
        # -P: not the current directory first on the path, where anyone's `moderate/` might be found.
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-c", code, _ROOT, str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            close_fds=True,  # never the file's lock, nor the journal
        )
        assert self.process.stdin and self.process.stdout and self.process.stderr
        self.stdin, self.stdout, stderr = self.process.stdin, self.process.stdout, self.process.stderr
        # What it says on stderr is read beside the rest, as it comes: left in its pipe, more than
        # the pipe holds (a long traceback, an interpreter told to be verbose) would stop the child
        # mid-word, and the save with it, holding the file's lock for good.
        self._said = [b""]
        self._listening = threading.Thread(target=_last_words, args=(stderr, self._said), daemon=True)
        self._listening.start()

    def alive(self) -> bool:
        return self.process.poll() is None

    def end(self, kill: bool = False) -> tuple[int, bytes]:
        """Let it go (its stdin closed, it ends), or kill it; its exit status and last words.
        Again, it changes nothing."""
        if kill:
            self.process.kill()
        with contextlib.suppress(OSError):  # a pipe to a child that died: nothing left to flush
            self.stdin.close()
        try:
            status = self.process.wait(timeout=None if kill else _LET_GO)
        except subprocess.TimeoutExpired:  # its stdin open elsewhere still (a copy of the app forked)
            self.process.kill()
            status = self.process.wait()
        self._listening.join()
        self.stdout.close()
        return status, self._said[0]


class _Kept:
    """The child that answered last, waiting for the next job; any other ends after its job.
    Each is started by one thread that lives as long as the app: the kernel kills a child when
    the thread that started it ends (`_end_with_parent`), and a kept child outlives its save.
    A daemon thread of our own, not an executor's: that ends as the interpreter begins to exit,
    and would kill a child that a last save in another thread still waits on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: _Child | None = None
        self._asks: queue.SimpleQueue[Future[_Child]] | None = None

    def take(self) -> tuple[_Child, bool]:
        """The kept child, if it is alive (True), or a new one."""
        with self._lock:
            child, self._idle = self._idle, None
        if child is not None:
            if child.alive():
                return child, True
            child.end()  # it died waiting (killed, out of memory): another
        return self.start(), False

    def start(self) -> _Child:
        """A new child, started by the thread that lives as long as the app."""
        with self._lock:
            if self._asks is None:
                self._asks = queue.SimpleQueue()
                threading.Thread(target=_starting, args=(self._asks,), name="merge children", daemon=True).start()
            asked: Future[_Child] = Future()
            self._asks.put(asked)
        return asked.result()

    def give_back(self, child: _Child) -> None:
        with self._lock:
            if self._idle is None:
                self._idle = child
                return
        child.end()

    def forget(self) -> None:
        """In a forked copy of the app: its children and their starter are the parent's."""
        self._lock, self._idle, self._asks = threading.Lock(), None, None


def _starting(asks: queue.SimpleQueue[Future[_Child]]) -> None:
    while True:
        asked = asks.get()
        try:
            asked.set_result(_Child())
        except BaseException as error:  # OSError: said by the save
            asked.set_exception(error)


_KEPT = _Kept()
os.register_at_fork(after_in_child=_KEPT.forget)


def _last_words(stream: IO[bytes], said: list[bytes]) -> None:
    """Read the child's stderr to its end, keeping only its last few lines' worth in `said[0]`."""
    while chunk := stream.read1(_SAID):  # type: ignore[attr-defined]
        said[0] = (said[0] + chunk)[-_SAID:]
    stream.close()


def _write_frames(stream: IO[bytes], frames: Iterable[bytes]) -> None:
    for frame in frames:
        stream.write(len(frame).to_bytes(_LENGTH, "big"))
        stream.write(frame)
    stream.flush()


def _read_frames(stream: IO[bytes], count: int) -> list[bytearray]:
    """The `count` frames the child sends, each read straight into its own buffer (the app's
    thread never holds the GIL for a copy of the whole); fewer if it ended first."""
    frames: list[bytearray] = []
    while len(frames) < count and len(head := stream.read(_LENGTH)) == _LENGTH:
        frame = bytearray(int.from_bytes(head, "big"))
        if stream.readinto(frame) != len(frame):  # type: ignore[attr-defined]
            break
        frames.append(frame)
    return frames


def _text(data: bytearray) -> str:
    """UTF-8 decoded a piece at a time, for the GIL's sake as in `_read_frames`."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    return "".join([*(decoder.decode(view[i : i + _CHUNK]) for i in range(0, len(view), _CHUNK)), decoder.decode(b"", True)])


_CHUNK = 1 << 20


def _frames(stream: IO[bytes]) -> Iterator[bytes]:
    """The frames on `stream`, each its length then its bytes, as they come; ValueError if cut short."""
    while head := stream.read(_LENGTH):
        frame = stream.read(int.from_bytes(head, "big")) if len(head) == _LENGTH else None
        if frame is None or len(frame) != int.from_bytes(head, "big"):
            raise ValueError("cut short")
        yield frame


# ------------------------------------------------------------ pickles naming shared records


def _inspection(inspection: Inspection) -> tuple[Any, ...]:
    # Its lazily built indexes left out: rebuilt when asked for, they would name every case.
    return Inspection, tuple(getattr(inspection, f.name) for f in fields(Inspection) if f.init)


def _proxy(mapping: MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return _read_only, (dict(mapping),)


def _read_only(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


def _by_fields(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """A record (a frozen dataclass with slots, none of whose fields is left out of its
    constructor) pickled as its constructor's call: rebuilt field by field, for each of
    thousands of records, dataclasses' own way is a few times slower."""
    names = tuple(f.name for f in fields(cls))
    assert all(f.init for f in fields(cls)), cls

    def reduce(record: Any) -> tuple[Any, ...]:
        return cls, tuple([getattr(record, name) for name in names])

    return reduce


_REDUCERS = copyreg.dispatch_table.copy()
_REDUCERS[Inspection] = _inspection
_REDUCERS[MappingProxyType] = _proxy
_REDUCERS.update(
    (cls, _by_fields(cls))
    for cls in (
        model.Case,
        model.Moderated,
        model.SecondAssessment,
        model.ModerationEntry,
        model.Decision,
        model.SampleEntry,
        model.Standard,
        model.KeyQuestion,
        model.Prompt,
    )
)


def _dumps(value: Any, known: Inspection | None) -> bytes:
    """`value` pickled, each record it shares with `known` named by its place there."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _REDUCERS
    if known is not None:
        places = {id(record): (i, at) for i, part in enumerate(_SHARED) for at, record in enumerate(getattr(known, part))}
        # A live record's id is its own while `known` holds it: no other object has it meanwhile.
        pickler.persistent_id = lambda obj: places.get(id(obj))  # type: ignore[method-assign]
    pickler.dump(value)
    return buffer.getvalue()


_PIECE = 500  # records a piece: each pickled in a few milliseconds, the screen's thread free between pieces


def _in_pieces(inspection: Inspection) -> list[Any]:
    """The whole of `inspection` a few hundred records at a time, each to be pickled (in
    turn, as it is sent): the parent has it parsed already, and the child rebuilds it
    (`_whole`) many times faster than it would parse the text again. Pickling is compiled code
    too, holding the GIL for each piece."""
    empty: dict[str, Any] = {part: () for part in _SHARED}
    pieces: list[Any] = [replace(inspection, **empty)]
    for part in _SHARED:
        records = getattr(inspection, part)
        pieces += [(part, records[at : at + _PIECE]) for at in range(0, len(records), _PIECE)]
    return pieces


def _whole(pieces: Iterator[bytes]) -> Inspection:
    """The inspection `_in_pieces` sent, rebuilt a piece at a time as they come."""
    skeleton = pickle.loads(next(pieces))
    parts: dict[str, list[Any]] = {part: [] for part in _SHARED}
    for piece in pieces:
        part, records = pickle.loads(piece)
        parts[part] += records
    inspection: Inspection = replace(skeleton, **{part: tuple(records) for part, records in parts.items()})
    return inspection


def _loads(data: bytes | bytearray, known: Inspection) -> Any:
    unpickler = pickle.Unpickler(io.BytesIO(data))
    unpickler.persistent_load = lambda place: getattr(known, _SHARED[place[0]])[place[1]]  # type: ignore[method-assign]
    return unpickler.load()


# ------------------------------------------------------------ the child


def main() -> None:
    """The child: read a job, merge, answer, and again, until the app closes its stdin; write
    nothing else anywhere."""
    _end_with_parent(int(sys.argv[2]))
    gc.freeze()  # what was imported, never collected: each collection after a job looks at less
    frames = _frames(sys.stdin.buffer)
    held: list[tuple[Inspection, str] | None] = []
    parts = Made()  # the cases' parts of the last merge written: most are the next one's too
    while (job := next(frames, None)) is not None:
        gc.disable()  # during a job, reference counting frees what it must
        failed = False
        try:
            answer, held = _answer(job, frames, held, parts)
        except InspectionError as error:
            answer, held = [pickle.dumps(("refused", error.source, error.problems)), b""], []
        except Exception as error:  # said to the user as the save's failure, the work kept
            traceback.print_exc()
            answer = [pickle.dumps(("failed", f"{type(error).__name__}: {error}")), b""]
            failed = True
        if not held:  # and so none of its records: the parts would be no next merge's
            parts = Made()
        try:
            _write_frames(sys.stdout.buffer, answer)
        except BrokenPipeError:
            os._exit(1)  # the app has gone: no one to answer
        if failed:
            return  # what is left of its job on stdin, if any, is no next job: the app lets it go
        del answer
        gc.enable()
        gc.collect()  # while it waits: the job's cycles, if any, freed before the next
        _give_back_memory()


_Held = list[tuple[Inspection, str] | None]  # the base and what was made of it, with their texts (`_holds`)


def _answer(job: bytes, frames: Iterator[bytes], held: _Held, parts: Made) -> tuple[list[bytes], _Held]:
    """The answer to `job`, and what to hold after it (as `_holds` has it in the app)."""
    kind, name, at, pieces, *more = pickle.loads(job)
    sent = _whole(next(frames) for _ in range(pieces)) if at is None else None  # each piece as it comes
    ours_pickled, base_data, data = next(frames), next(frames), next(frames)
    base, base_text = (sent, decoded(base_data, name)) if sent is not None else held[at] or _missing(at)
    ours = _loads(ours_pickled, base)
    # Only the cases whose text differs from the base's are parsed: the rest are the base's.
    theirs = parse_bytes(data, name, since=(base_text, base))
    made: _Held
    if kind == "parse":
        inspection = _sharing(theirs.inspection, base)
        answer, made = [_dumps(("parsed", inspection, theirs.framework), ours), b""], [(inspection, theirs.text)]
    elif another := another_inspection(base, theirs.inspection):
        answer, made = [pickle.dumps(("another", another)), b""], []
    else:
        choices, author = more
        merged = merge(base, ours, theirs.inspection, choices, author, saving=True, made=parts)
        text = theirs.text if merged.conflicts else merged.text
        answer = [_dumps(("merged", merged.inspection, merged.conflicts), ours), text.encode("utf-8")]
        made = [None if merged.conflicts else (merged.inspection, merged.text)]
    return answer, [(base, base_text), *made] if len(data) <= _HOLD else []


def _missing(at: int) -> tuple[Inspection, str]:
    raise ValueError(f"the app named a base held at {at}, and none is")


def _sharing(inspection: Inspection, base: Inspection) -> Inspection:
    """`inspection` with each record that is `base`'s in the same place (`same`: not merely
    equal, as 1 and true are) `base`'s own: sent back as a reference, it costs the app nothing
    to take."""
    return replace(
        inspection,
        **{
            part: tuple(b if same(b, r) else r for r, b in zip(records, own, strict=False)) + records[len(own) :]
            for part in _SHARED
            for records, own in [(getattr(inspection, part), getattr(base, part))]
        },
    )


def another_inspection(base: Inspection, theirs: Inspection) -> str | None:
    """Why the file on disk is not a later version of the one opened, if it is not."""
    if base.title != theirs.title:
        return f"titled {theirs.title!r}, not {base.title!r}"
    if {c.id for c in base.cases} != {c.id for c in theirs.cases}:
        return "its case ids differ"
    if {s.id for s in base.standards} != {s.id for s in theirs.standards}:
        return "its standard ids differ"
    return None


def _give_back_memory() -> None:
    """What the job freed, given back to the system (glibc keeps it for the process otherwise):
    a kept child waits with what it holds and little more."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _end_with_parent(parent: int) -> None:
    """Killed as the app's thread that started it ends (Linux; `_Kept`'s, which lives as long
    as the app), and gone now if it already has: a merge nobody waits for is not finished."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)
