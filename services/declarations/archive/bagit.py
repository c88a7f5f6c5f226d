"""BagIt 1.0 (RFC 8493): writing a bag's tag files and validating a bag.

A bag is a folder: ``bagit.txt``, ``bag-info.txt``, the payload under
``data/``, ``manifest-sha512.txt`` (a checksum per payload file) and
``tagmanifest-sha512.txt`` (a checksum per tag file). Validation checks
both manifests, that every payload file is listed and every listed file is
present, and the ``Payload-Oxum`` (octets.streams) of bag-info.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
MANIFEST = "manifest-sha512.txt"
TAG_MANIFEST = "tagmanifest-sha512.txt"
_CHUNK = 1 << 20


class BagError(ValueError):
    """The bag is not a valid BagIt 1.0 bag, or its content does not match its manifests."""


def sha512_of(path: Path) -> str:
    """The SHA-512 of a file, hex."""
    digest = hashlib.sha512()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest_text(bag: Path, names: list[str]) -> str:
    return "".join(f"{sha512_of(bag / name)}  {name}\n" for name in sorted(names))


def finish_bag(bag: Path, info: Mapping[str, str]) -> None:
    """Write the tag files of a bag whose payload is already under ``bag/data``."""
    payload = sorted(p for p in (bag / "data").rglob("*") if p.is_file())
    names = [p.relative_to(bag).as_posix() for p in payload]
    octets = sum(p.stat().st_size for p in payload)
    (bag / "bagit.txt").write_text(BAGIT_TXT, encoding="utf-8")
    (bag / MANIFEST).write_text(_manifest_text(bag, names), encoding="utf-8")
    lines = [f"{key}: {value}" for key, value in info.items()]
    lines.append(f"Payload-Oxum: {octets}.{len(payload)}")
    (bag / "bag-info.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tags = ["bagit.txt", "bag-info.txt", MANIFEST]
    (bag / TAG_MANIFEST).write_text(_manifest_text(bag, tags), encoding="utf-8")


def read_bag_info(bag: Path) -> dict[str, str]:
    """The ``bag-info.txt`` fields (first value of each label)."""
    info: dict[str, str] = {}
    for line in (bag / "bag-info.txt").read_text(encoding="utf-8").splitlines():
        label, sep, value = line.partition(":")
        if sep and label.strip() not in info:
            info[label.strip()] = value.strip()
    return info


def _read_manifest(bag: Path, name: str) -> dict[str, str]:
    path = bag / name
    if not path.is_file():
        raise BagError(f"{name} is missing")
    entries: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        checksum, sep, listed = line.partition("  ")
        if not sep or len(checksum) != 128 or not listed:
            raise BagError(f"{name} line {number} is not '<sha512>  <path>'")
        if listed.startswith("/") or ".." in Path(listed).parts:
            raise BagError(f"{name} line {number} names a path outside the bag: {listed}")
        entries[listed] = checksum.lower()
    return entries


def _check(bag: Path, name: str, entries: Mapping[str, str]) -> None:
    for listed, checksum in entries.items():
        path = bag / listed
        if not path.is_file():
            raise BagError(f"{listed}, listed in {name}, is missing")
        if sha512_of(path) != checksum:
            raise BagError(f"{listed} does not match its SHA-512 in {name}")


def validate_bag(bag: Path) -> dict[str, str]:
    """Check a bag completely; return its bag-info fields. BagError on any defect."""
    bagit = bag / "bagit.txt"
    if not bagit.is_file() or "BagIt-Version: 1.0" not in bagit.read_text(encoding="utf-8"):
        raise BagError("bagit.txt is missing or does not declare BagIt-Version: 1.0")
    _check(bag, TAG_MANIFEST, _read_manifest(bag, TAG_MANIFEST))
    manifest = _read_manifest(bag, MANIFEST)
    present = {p.relative_to(bag).as_posix() for p in (bag / "data").rglob("*") if p.is_file()}
    if unlisted := sorted(present - set(manifest)):
        raise BagError(f"payload files not in {MANIFEST}: {', '.join(unlisted[:5])}")
    _check(bag, MANIFEST, manifest)
    info = read_bag_info(bag)
    octets = sum((bag / name).stat().st_size for name in manifest)
    if info.get("Payload-Oxum") != f"{octets}.{len(manifest)}":
        raise BagError(f"Payload-Oxum {info.get('Payload-Oxum')!r} != {octets}.{len(manifest)}")
    return info
