"""``regctl serve console``: the console alone, calling the APIs over the network."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.e2e.live_server import free_port, live_register


def test_the_console_served_alone_sends_people_to_the_register_s_sign_in(
    tmp_path: Path,
) -> None:
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    urls = {n: f"sqlite:///{var_dir / (n + '.db')}" for n in ("auth", "registry", "declarations")}
    console_var = tmp_path / "console-var"
    console_var.mkdir()
    register_port = free_port()
    public = {"AUTH_PUBLIC_URL": f"http://127.0.0.1:{register_port}"}
    with live_register(urls, var_dir, port=register_port, extra_env=public) as register:
        # In production the operator registers it: `regctl app create ... --json`.
        saved = json.loads((var_dir / "console-app.json").read_text())
        (console_var / "console-app.json").write_text(json.dumps(saved))
        port = free_port()
        env = {
            "CONSOLE_VAR_DIR": str(console_var),
            "CONSOLE_PUBLIC_URL": register,
            "CONSOLE_AUTH_BASE_URL": register,
            "CONSOLE_REGISTRY_BASE_URL": register,
            "CONSOLE_DECLARATIONS_BASE_URL": register,
        }
        with live_register(urls, var_dir, service="console", port=port, extra_env=env) as console:
            home = httpx.get(f"{console}/console/", timeout=10)
            assert home.status_code == 303
            signin = httpx.get(f"{console}{home.headers['location']}", timeout=10)
            assert signin.status_code == 303
            assert signin.headers["location"].startswith(f"{register}/auth/authorize?")
            assert "client_id=" + saved["client_id"] in signin.headers["location"]
            page = httpx.get(signin.headers["location"], timeout=10)
            assert page.status_code == 200  # auth knows the console's redirect URI
            assert (console_var / "console-session-key").stat().st_mode & 0o077 == 0
