"""The console's tests run the embedded register with the console at http://127.0.0.1."""

from __future__ import annotations

import pytest

from services.console.settings import ConsoleSettings
from services.embedded import EmbeddedSettings
from tests.console.support import BASE


@pytest.fixture
def register_settings(register_settings: EmbeddedSettings) -> EmbeddedSettings:
    """The register's settings with auth and the console both public at ``BASE``."""
    auth = register_settings.auth.model_copy(update={"public_url": BASE})
    console = ConsoleSettings(var_dir=auth.var_dir, public_url=BASE, log_level="WARNING")
    return EmbeddedSettings(
        auth=auth,
        registry=register_settings.registry,
        declarations=register_settings.declarations,
        console=console,
    )
