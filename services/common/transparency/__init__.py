"""Transparency-log primitives: pure functions, no database and no HTTP.

Modules:

- `merkle`: RFC 9162 (RFC 6962) section 2 tree hashing, proof generation on
  top of stored perfect-subtree hashes, and proof verification.
- `note`: C2SP signed notes with Ed25519 keys.
- `checkpoint`: C2SP tlog checkpoints (the signed tree head).
- `canonical`: RFC 8785 canonical JSON bytes and SHA-256 helpers.

Exceptions, all `ValueError` subclasses so a caller that only cares about
"bad input" can catch one type:

    ValueError
    ├── merkle.ProofError            a proof does not verify
    ├── note.NoteError
    │   ├── note.KeyFormatError      bad key name or key string
    │   ├── note.MalformedNoteError  not a well-formed signed note
    │   ├── note.InvalidSignatureError  a known key's signature is wrong
    │   └── note.UnverifiedNoteError    no known key signed the note
    ├── checkpoint.CheckpointError   malformed checkpoint body
    └── rfc8785.CanonicalizationError  value has no canonical JSON form
"""
