"""The dashboard binds to this machine unless told otherwise, and says so loudly when it is exposed."""

from __future__ import annotations

import inspect

from safetykg.cli.dashboard import exposure_warning, register, streamlit_command


def test_default_host_is_loopback_and_exposure_warns():
    source = inspect.getsource(register)
    assert 'typer.Option("127.0.0.1", "--host"' in source
    assert "--server.address" in streamlit_command(8501, "127.0.0.1")
    for host in ("127.0.0.1", "localhost", "::1"):
        assert exposure_warning(host) is None
    for host in ("0.0.0.0", "::", "192.168.1.5"):
        warning = exposure_warning(host)
        assert warning is not None and host in warning and "authentication" in warning
