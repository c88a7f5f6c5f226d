"""C2SP tlog checkpoints: body format, strict parsing, signing."""

import base64

import pytest

from services.common.transparency.checkpoint import (
    Checkpoint,
    CheckpointError,
    format_checkpoint,
    open_checkpoint,
    parse_checkpoint,
    sign_checkpoint,
)
from services.common.transparency.merkle import EMPTY_ROOT, MemoryTree, leaf_hash
from services.common.transparency.note import (
    InvalidSignatureError,
    UnverifiedNoteError,
    generate_signer,
)

ORIGIN = "register.example.org/log"
ROOT = MemoryTree([leaf_hash(b"a"), leaf_hash(b"b"), leaf_hash(b"c")]).root()
ROOT_B64 = base64.b64encode(ROOT).decode()


def test_checkpoint_body_is_origin_size_and_base64_root() -> None:
    text = format_checkpoint(Checkpoint(ORIGIN, 3, ROOT))
    assert text == f"{ORIGIN}\n3\n{ROOT_B64}\n"
    assert parse_checkpoint(text) == Checkpoint(ORIGIN, 3, ROOT)


def test_empty_tree_checkpoint_has_size_zero() -> None:
    text = format_checkpoint(Checkpoint(ORIGIN, 0, EMPTY_ROOT))
    assert text.splitlines()[1] == "0"
    assert parse_checkpoint(text).root_hash == EMPTY_ROOT


def test_extension_lines_round_trip() -> None:
    checkpoint = Checkpoint(ORIGIN, 3, ROOT, ("ext one", "ext two"))
    assert parse_checkpoint(format_checkpoint(checkpoint)) == checkpoint


def test_signed_checkpoint_opens_with_the_log_key() -> None:
    signer = generate_signer(ORIGIN)
    checkpoint = Checkpoint(ORIGIN, 3, ROOT)
    note = sign_checkpoint(checkpoint, signer)
    assert note.startswith(format_checkpoint(checkpoint) + "\n\u2014 " + ORIGIN + " ")
    assert open_checkpoint(note, [signer.verifier], origin=ORIGIN) == checkpoint


def test_checkpoint_from_another_origin_is_refused() -> None:
    signer = generate_signer(ORIGIN)
    note = sign_checkpoint(Checkpoint("other.example/log", 3, ROOT), signer)
    with pytest.raises(CheckpointError, match="not"):
        open_checkpoint(note, [signer.verifier], origin=ORIGIN)


def test_tampered_checkpoint_is_refused() -> None:
    signer = generate_signer(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, 3, ROOT), signer)
    with pytest.raises(InvalidSignatureError):
        open_checkpoint(note.replace("\n3\n", "\n4\n"), [signer.verifier])


def test_checkpoint_signed_by_another_key_is_refused() -> None:
    note = sign_checkpoint(Checkpoint(ORIGIN, 3, ROOT), generate_signer(ORIGIN))
    with pytest.raises(UnverifiedNoteError):
        open_checkpoint(note, [generate_signer(ORIGIN).verifier])


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(f"{ORIGIN}\n3\n{ROOT_B64}", id="no-final-newline"),
        pytest.param(f"{ORIGIN}\n3\n", id="missing-root"),
        pytest.param(f"\n3\n{ROOT_B64}\n", id="empty-origin"),
        pytest.param(f"{ORIGIN}\n03\n{ROOT_B64}\n", id="leading-zero"),
        pytest.param(f"{ORIGIN}\n-3\n{ROOT_B64}\n", id="negative-size"),
        pytest.param(f"{ORIGIN}\n+3\n{ROOT_B64}\n", id="signed-size"),
        pytest.param(f"{ORIGIN}\n 3\n{ROOT_B64}\n", id="space-in-size"),
        pytest.param(f"{ORIGIN}\n\u0663\n{ROOT_B64}\n", id="non-ascii-digit"),
        pytest.param(f"{ORIGIN}\n{2**64}\n{ROOT_B64}\n", id="size-beyond-uint64"),
        pytest.param(f"{ORIGIN}\n3\n{ROOT_B64[:-1]}\n", id="unpadded-root"),
        pytest.param(f"{ORIGIN}\n3\n{ROOT_B64[:-2]}N=\n", id="non-canonical-root"),
        pytest.param(f"{ORIGIN}\n3\n{ROOT.hex()}\n", id="hex-root"),
        pytest.param(f"{ORIGIN}\n3\nAAAA\n", id="short-root"),
        pytest.param(f"{ORIGIN}\n3\n{ROOT_B64}\n\n", id="empty-extension-line"),
    ],
)
def test_malformed_checkpoints_are_refused(text: str) -> None:
    with pytest.raises(CheckpointError):
        parse_checkpoint(text)


@pytest.mark.parametrize(
    "checkpoint",
    [
        pytest.param(Checkpoint("", 3, ROOT), id="empty-origin"),
        pytest.param(Checkpoint("a\nb", 3, ROOT), id="multi-line-origin"),
        pytest.param(Checkpoint(ORIGIN, -1, ROOT), id="negative-size"),
        pytest.param(Checkpoint(ORIGIN, 3, ROOT[:31]), id="short-root"),
        pytest.param(Checkpoint(ORIGIN, 3, ROOT, ("",)), id="empty-extension"),
    ],
)
def test_invalid_checkpoints_are_not_formatted(checkpoint: Checkpoint) -> None:
    with pytest.raises(CheckpointError):
        format_checkpoint(checkpoint)
