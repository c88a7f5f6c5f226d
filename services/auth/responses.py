"""Response headers shared by auth's routes."""

from typing import Final

# Secrets and tokens in a body must never be cached (RFC 6749 section 5.1).
NO_STORE: Final = {"Cache-Control": "no-store", "Pragma": "no-cache"}
