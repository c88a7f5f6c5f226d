"""Rows of an uploaded CSV or XLSX file, read in bounded memory and time.

Whatever the file claims, reading it stops at the caps of :class:`ImportLimits`:

- CSV: read line by line from the spooled upload (never decoded whole); a record
  (its lines together, for quoted fields that span lines) is at most
  ``max_line_chars`` characters and ``max_columns`` fields.
- XLSX: before openpyxl sees the workbook, every part is streamed through expat
  with no tree built: the parts together unpack to at most ``max_unpacked_bytes``;
  a sheet row is numbered at most ``max_rows`` and holds at most ``max_columns``
  cells; a row's text (or a shared string) is at most ``max_line_chars``; the
  shared strings are at most ``max_rows`` times ``strings_per_row`` (the columns
  the caller's files may have); a
  document type declaration (entities, the "billion laughs") is refused; XML that
  is not well formed is refused. openpyxl scans each sheet for its size when it
  opens the workbook, so these checks must come first; afterwards its work is
  bounded by them.
- Both: at most ``max_seconds`` of reading, checked between rows and chunks.

:class:`SheetTooLarge` (a cap) and :class:`SheetUnreadable` (broken) name the cap
or the fault; the caller turns them into a 413 or a 422.
"""

from __future__ import annotations

import codecs
import csv
import io
import struct
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, Final
from xml.parsers import expat

from openpyxl import load_workbook

MIB: Final = 1024 * 1024
CHUNK: Final = 64 * 1024
MAX_ZIP_MEMBERS: Final = 1000
SPREADSHEET_NAMESPACES: Final = frozenset(
    {
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "http://purl.oclc.org/ooxml/spreadsheetml/main",
    }
)


@dataclass(frozen=True)
class ImportLimits:
    """What reading one upload may cost (settings ``REGISTRY_IMPORT_*``,
    ``DECLARATIONS_IMPORT_*``).

    ``strings_per_row``: the columns a file of the caller's kind may have, which
    bounds the workbook's shared-string table (``max_rows`` times as many)."""

    max_rows: int = 110_000
    max_columns: int = 64
    max_line_chars: int = 64 * 1024
    max_unpacked_bytes: int = 128 * MIB
    max_seconds: float = 120.0
    strings_per_row: int = 17


class SheetTooLarge(Exception):
    """A cap was reached; ``loc`` is where (``file`` or ``row N``)."""

    def __init__(self, loc: str, msg: str) -> None:
        super().__init__(msg)
        self.loc = loc
        self.msg = msg


class SheetUnreadable(Exception):
    """The file is not a well-formed CSV or workbook."""


class Deadline:
    """The reading time left; :meth:`check` raises once it has run out."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def check(self) -> None:
        """Raise :class:`SheetTooLarge` when the reading time is over."""
        if time.monotonic() > self.ends:
            raise SheetTooLarge("file", f"reading took longer than the {self.seconds:g} s limit")


# --- CSV ------------------------------------------------------------------------


def _csv_encoding(stream: IO[bytes], deadline: Deadline) -> str:
    """UTF-8 if every byte decodes as UTF-8, else Windows-1252 if it does, else Latin-1."""
    decoders = {name: codecs.getincrementaldecoder(name)() for name in ("utf-8", "cp1252")}
    while decoders and (chunk := stream.read(CHUNK)):
        deadline.check()
        for name, decoder in list(decoders.items()):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                del decoders[name]
    for name, decoder in list(decoders.items()):
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            del decoders[name]
    return next(iter(decoders), "latin-1")


def csv_rows(stream: IO[bytes], limits: ImportLimits, deadline: Deadline) -> Iterator[list[Any]]:
    """The records of a CSV upload, each bounded in characters and fields."""
    stream.seek(0)
    start = 3 if stream.read(3) == b"\xef\xbb\xbf" else 0
    stream.seek(start)
    encoding = _csv_encoding(stream, deadline)
    stream.seek(start)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    record_chars = 0
    number = 1

    def lines() -> Iterator[str]:
        nonlocal record_chars
        while line := text.readline(limits.max_line_chars + 1):
            record_chars += len(line)
            if record_chars > limits.max_line_chars:
                raise SheetTooLarge(
                    f"row {number}", f"a line longer than {limits.max_line_chars} characters"
                )
            yield line

    source = lines()
    first = next(source, "")
    delimiter = max((";", ",", "\t"), key=first.count)

    def replayed() -> Iterator[str]:
        yield first
        yield from source

    try:
        for record in csv.reader(replayed(), delimiter=delimiter):
            if len(record) > limits.max_columns:
                raise SheetTooLarge(f"row {number}", f"more than {limits.max_columns} columns")
            yield record
            deadline.check()
            record_chars = 0
            number += 1
    finally:
        text.detach()


# --- XLSX -----------------------------------------------------------------------


def _zip_member_count(stream: IO[bytes]) -> int:
    """Entries the archive declares, read from its end record before zipfile lists them
    (a central directory of millions of empty entries would cost gigabytes to list)."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    tail_start = max(0, size - (22 + 65_535))
    stream.seek(tail_start)
    tail = stream.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        raise SheetUnreadable("not a zip archive (no end of central directory)")
    entries: int = struct.unpack("<H", tail[at + 10 : at + 12])[0]
    return entries


class _PartChecker:
    """Streams one workbook part through expat, counting what reading it would cost."""

    def __init__(self, limits: ImportLimits, part: str) -> None:
        self.limits = limits
        self.part = part
        self.row = 0
        self.cells = 0
        self.chars = 0
        self.strings = 0
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartElementHandler = self._start
        self.parser.CharacterDataHandler = self._text
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._doctype

    def _doctype(self, *_args: Any) -> None:
        raise SheetUnreadable(f"{self.part}: a document type declaration (not allowed)")

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        if namespace not in SPREADSHEET_NAMESPACES:
            return
        if local == "row":
            written = attrs.get("r", "")
            self.row = int(written) if written.isdigit() else self.row + 1
            if self.row > self.limits.max_rows:
                raise SheetTooLarge(
                    f"row {self.row}",
                    f"more than {self.limits.max_rows} rows (blank ones count too)",
                )
            self.cells = 0
            self.chars = 0
        elif local == "c":
            self.cells += 1
            if self.cells > self.limits.max_columns:
                raise SheetTooLarge(
                    f"row {self.row}", f"more than {self.limits.max_columns} columns"
                )
        elif local == "si":
            # openpyxl keeps the whole table, tens of bytes a string: as many strings
            # as a sheet at the caps could use (its kind's columns) and no more.
            self.strings += 1
            most = self.limits.max_rows * self.limits.strings_per_row
            if self.strings > most:
                raise SheetTooLarge("file", f"more than {most} shared strings")
            self.chars = 0

    def _text(self, data: str) -> None:
        self.chars += len(data)
        if self.chars > self.limits.max_line_chars:
            where = f"row {self.row}" if self.row else "file"
            raise SheetTooLarge(
                where, f"a row or text longer than {self.limits.max_line_chars} characters"
            )

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        self.parser.Parse(chunk, final)


def check_workbook(stream: IO[bytes], limits: ImportLimits, deadline: Deadline) -> None:
    """Refuse a workbook whose reading would cost more than ``limits`` (see the module doc)."""
    if _zip_member_count(stream) > MAX_ZIP_MEMBERS:
        raise SheetTooLarge("file", f"more than {MAX_ZIP_MEMBERS} parts in the workbook")
    stream.seek(0)
    with zipfile.ZipFile(stream) as archive:
        members = archive.infolist()
        unpacked = sum(member.file_size for member in members)
        if unpacked > limits.max_unpacked_bytes:
            raise SheetTooLarge(
                "file",
                f"the workbook unpacks to {unpacked // MIB} MiB,"
                f" over the {limits.max_unpacked_bytes // MIB} MiB limit",
            )
        for member in members:
            if member.is_dir():
                continue
            _check_part(archive, member, limits, deadline)


def _check_part(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: ImportLimits, deadline: Deadline
) -> None:
    checker = _PartChecker(limits, member.filename)
    is_xml = member.filename.lower().endswith((".xml", ".rels"))
    try:
        with archive.open(member) as part:
            while chunk := part.read(CHUNK):
                checker.feed(chunk)
                deadline.check()
            checker.feed(b"", final=True)
    except expat.ExpatError as exc:
        # Media and binary parts are not XML; openpyxl reads only XML parts, and a
        # part that is not well formed fails there where it fails here.
        if is_xml:
            raise SheetUnreadable(f"{member.filename} is not well-formed XML: {exc}") from None


def xlsx_rows(stream: IO[bytes], limits: ImportLimits, deadline: Deadline) -> Iterator[list[Any]]:
    """The first sheet's rows, cut at ``max_columns``, once :func:`check_workbook` passed."""
    check_workbook(stream, limits, deadline)
    stream.seek(0)
    workbook = load_workbook(stream, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True, max_col=limits.max_columns):
            deadline.check()
            yield list(row)
    finally:
        workbook.close()
