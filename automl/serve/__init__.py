"""``automl serve``: a fitted model behind HTTP (FastAPI on uvicorn, the Python ecosystem's
convention) with Prometheus metrics: requests, errors, latency, predictions and drift.

    automl serve runs/titanic --port 8000
    curl -X POST localhost:8000/predict -d '{"rows": [{"pclass": 3, "sex": "male", ...}]}'
    curl localhost:8000/metrics

With a token (``--token``, or the ``AUTOML_SERVE_TOKEN`` environment variable) every endpoint
but ``/health`` wants ``Authorization: Bearer <token>``; serving beyond this machine without
one logs a warning.

Needs the ``serve`` extra: ``pip install "automl[serve]"``.
"""

from __future__ import annotations

import ipaddress
import logging
from pathlib import Path

#: The environment variable ``automl serve`` reads its token from when ``--token`` is not given.
TOKEN_VARIABLE = "AUTOML_SERVE_TOKEN"


def exposure_warning(host: str, token: str | None) -> str | None:
    """The warning for serving on ``host`` without a token beyond this machine, or ``None``."""
    if token is not None:
        return None
    try:
        if host == "localhost" or ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:  # a host name: it may resolve beyond this machine
        pass
    return (f"automl: warning: serving on {host} without a token: anyone who reaches this "
            f"port can use the model; pass --token (or set {TOKEN_VARIABLE}).")


def serve(path: str | Path, *, host: str = "127.0.0.1", port: int = 8000,
          window: int = 1_000, token: str | None = None) -> None:
    """Serves the model of a project folder or an exported ``.keras`` file until stopped;
    with ``token``, every endpoint but ``/health`` wants ``Authorization: Bearer <token>``."""
    import warnings

    import uvicorn

    from automl.serve._app import create_app
    from automl.serve._served import load_served

    # scikit-learn's forests say this on every prediction made in a server thread (their
    # configuration is the default one anyway): it would flood the log.
    warnings.filterwarnings("ignore", message="`sklearn.utils.parallel.delayed` should be used",
                            category=UserWarning)
    app = create_app(load_served(path), window=window, token=token)
    warning = exposure_warning(host, token)
    if warning:  # logged: the bare line on stderr unless the application configures logging
        logging.getLogger(__name__).warning(warning)
    uvicorn.run(app, host=host, port=port, log_level="warning")


__all__ = ["TOKEN_VARIABLE", "exposure_warning", "serve"]
