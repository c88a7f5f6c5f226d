"""C2SP signed notes: keys, signing, opening."""

import base64
import hashlib
import random

import pytest

from services.common.transparency.note import (
    InvalidSignatureError,
    KeyFormatError,
    MalformedNoteError,
    NoteError,
    Signer,
    UnverifiedNoteError,
    Verifier,
    format_signer_key,
    format_verifier_key,
    generate_signer,
    key_id,
    open_note,
    parse_signer_key,
    parse_verifier_key,
    sign_note,
)

# Known-answer vector of golang.org/x/mod/sumdb/note (package docs and tests).
GO_SIGNER_KEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER_KEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT
    + "\n"
    + "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"  # noqa: E501
)

TEXT = "example.org/log\n42\nsome body\n"


def test_key_id_is_the_first_four_bytes_of_the_hash_of_name_newline_type_key() -> None:
    public_key = bytes(range(32))
    expected = hashlib.sha256(b"example.org/log\n\x01" + public_key).digest()[:4]
    assert key_id("example.org/log", public_key) == int.from_bytes(expected, "big")


def test_go_known_answer_keys_parse_and_match() -> None:
    signer = parse_signer_key(GO_SIGNER_KEY)
    verifier = parse_verifier_key(GO_VERIFIER_KEY)
    assert signer.verifier == verifier
    assert verifier.key_id == 0xC74F20A3
    assert format_verifier_key(verifier) == GO_VERIFIER_KEY
    assert format_signer_key(signer) == GO_SIGNER_KEY


def test_signing_reproduces_the_go_known_answer_note() -> None:
    # Ed25519 is deterministic, so the bytes must match the Go library's.
    assert sign_note(GO_TEXT, parse_signer_key(GO_SIGNER_KEY)) == GO_NOTE


def test_the_go_known_answer_note_opens() -> None:
    opened = open_note(GO_NOTE.encode(), [parse_verifier_key(GO_VERIFIER_KEY)])
    assert opened.text == GO_TEXT
    assert [s.name for s in opened.verified] == ["PeterNeumann"]


def test_sign_and_open_round_trip() -> None:
    signer = generate_signer("example.org/log")
    note = sign_note(TEXT, signer)
    assert note.startswith(TEXT + "\n\u2014 example.org/log ")
    opened = open_note(note, [signer.verifier])
    assert opened.text == TEXT
    assert opened.verified[0].key_id == signer.key_id
    assert opened.unverified == ()


def test_generated_key_strings_round_trip() -> None:
    signer = generate_signer("example.org/log")
    assert parse_signer_key(format_signer_key(signer)) == signer
    verifier = parse_verifier_key(format_verifier_key(signer.verifier))
    assert verifier == signer.verifier


def test_signer_repr_does_not_show_the_seed() -> None:
    signer = generate_signer("example.org/log")
    assert signer.seed.hex() not in repr(signer)
    assert repr(signer.seed) not in repr(signer)


def test_tampered_text_is_rejected() -> None:
    signer = generate_signer("example.org/log")
    note = sign_note(TEXT, signer).replace("42", "43", 1)
    with pytest.raises(InvalidSignatureError):
        open_note(note, [signer.verifier])


def test_tampered_signature_is_rejected() -> None:
    signer = generate_signer("example.org/log")
    text, _, line = sign_note(TEXT, signer).rpartition("\u2014 example.org/log ")
    blob = bytearray(base64.b64decode(line))
    blob[10] ^= 1
    note = text + "\u2014 example.org/log " + base64.b64encode(blob).decode() + "\n"
    with pytest.raises(InvalidSignatureError):
        open_note(note, [signer.verifier])


def test_signature_by_an_unknown_key_is_not_trusted() -> None:
    signer = generate_signer("example.org/log")
    other = generate_signer("example.org/log")
    with pytest.raises(UnverifiedNoteError):
        open_note(sign_note(TEXT, signer), [other.verifier])
    with pytest.raises(UnverifiedNoteError):
        open_note(sign_note(TEXT, signer), [])


def test_a_known_key_signing_with_another_name_is_not_trusted() -> None:
    signer = generate_signer("example.org/log")
    renamed = Signer("example.org/other", signer.seed)
    with pytest.raises(UnverifiedNoteError):
        open_note(sign_note(TEXT, renamed), [signer.verifier])


def test_unknown_signatures_beside_a_trusted_one_are_reported_not_fatal() -> None:
    log, witness = generate_signer("example.org/log"), generate_signer("witness.org")
    opened = open_note(sign_note(TEXT, log, witness), [log.verifier])
    assert [s.name for s in opened.verified] == ["example.org/log"]
    assert [s.name for s in opened.unverified] == ["witness.org"]


def test_one_bad_signature_by_a_known_key_rejects_the_note() -> None:
    log, witness = generate_signer("example.org/log"), generate_signer("witness.org")
    zeros = base64.b64encode(witness.key_id.to_bytes(4, "big") + bytes(64)).decode()
    note = sign_note(TEXT, log) + f"\u2014 witness.org {zeros}\n"
    with pytest.raises(InvalidSignatureError):
        open_note(note, [log.verifier, witness.verifier])


def _colliding_keys(name: str) -> tuple[bytes, bytes]:
    # Key IDs are 32 bits, so a birthday search finds two keys sharing one
    # after some 80,000 tries; seeded to keep the test deterministic.
    rng = random.Random(2014)
    seen: dict[int, bytes] = {}
    while True:
        public_key = rng.randbytes(32)
        other = seen.setdefault(key_id(name, public_key), public_key)
        if other != public_key:
            return other, public_key


def test_two_trusted_keys_with_the_same_name_and_id_are_refused() -> None:
    first, second = _colliding_keys("example.org/log")
    note = sign_note(TEXT, generate_signer("example.org/log"))
    with pytest.raises(NoteError, match="share name and ID"):
        open_note(note, [Verifier("example.org/log", first), Verifier("example.org/log", second)])


@pytest.mark.parametrize(
    "message",
    [
        pytest.param("no signature block\n", id="no-blank-line"),
        pytest.param(TEXT + "\n", id="empty-signature-block"),
        pytest.param(TEXT + "\n- example.org/log AAAAAAA=\n", id="hyphen-not-em-dash"),
        pytest.param(TEXT + "\n\u2014 example.org/log AAAAAAA=", id="no-final-newline"),
        pytest.param(TEXT + "\n\u2014 example.org/log not*base64\n", id="bad-base64"),
        pytest.param(TEXT + "\n\u2014 example.org/log AAAA\n", id="signature-too-short"),
        pytest.param(TEXT + "\n\u2014 example.org/log\n", id="no-signature"),
        pytest.param(TEXT + "\n\u2014 a+b AAAAAAA=\n", id="plus-in-name"),
        pytest.param("tab\there\n\n\u2014 k AAAAAAA=\n", id="control-character"),
        pytest.param(b"\xff\n\n\xe2\x80\x94 k AAAAAAA=\n", id="invalid-utf8"),
    ],
)
def test_malformed_notes_are_rejected(message: str | bytes) -> None:
    signer = generate_signer("example.org/log")
    with pytest.raises(MalformedNoteError):
        open_note(message, [signer.verifier])


def test_text_without_final_newline_cannot_be_signed() -> None:
    with pytest.raises(MalformedNoteError):
        sign_note("no newline", generate_signer("example.org/log"))


@pytest.mark.parametrize("name", ["", "has space", "has+plus", "tab\tname", "nbsp\u00a0"])
def test_invalid_key_names_are_refused(name: str) -> None:
    with pytest.raises(KeyFormatError):
        generate_signer(name)
    with pytest.raises(KeyFormatError):
        Verifier(name, bytes(32))


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(GO_VERIFIER_KEY.replace("c74f20a3", "c74f20a4"), id="wrong-id"),
        pytest.param(GO_VERIFIER_KEY.replace("c74f20a3", "c74f20a"), id="short-id"),
        pytest.param(GO_VERIFIER_KEY.replace("PeterNeumann", "Peter"), id="wrong-name"),
        pytest.param(GO_VERIFIER_KEY.replace("+ARpc", "+AhpC"), id="wrong-type"),
        pytest.param(GO_VERIFIER_KEY[:-4], id="truncated-key"),
        pytest.param("PeterNeumann+c74f20a3", id="missing-key"),
        pytest.param(GO_SIGNER_KEY, id="signer-key"),
    ],
)
def test_malformed_verifier_keys_are_refused(key: str) -> None:
    with pytest.raises(KeyFormatError):
        parse_verifier_key(key)


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(GO_VERIFIER_KEY, id="verifier-key"),
        pytest.param(GO_SIGNER_KEY.replace("c74f20a3", "c74f20a4"), id="wrong-id"),
        pytest.param(GO_SIGNER_KEY.replace("PRIVATE+KEY", "PRIVATE+KEYS"), id="prefix"),
    ],
)
def test_malformed_signer_keys_are_refused(key: str) -> None:
    with pytest.raises(KeyFormatError):
        parse_signer_key(key)
