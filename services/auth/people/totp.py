"""Authenticator codes (RFC 6238: SHA-1, 6 digits, 30 s steps), never accepted twice.

A code is accepted for the current step or the one either side (clock drift), and
only for a step later than the last one accepted: a code seen on the wire or over
a shoulder cannot be replayed within its window.
"""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
ISSUER = "SALW register"


def provisioning_uri(secret: str, *, account: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=ISSUER
    )


def accepted_step(secret: str, code: str, *, last_step: int | None, now: datetime) -> int | None:
    """The time step ``code`` belongs to, if it is right and newer than ``last_step``."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
