"""``automl serve``: a fitted model behind HTTP (FastAPI on uvicorn, the Python ecosystem's
convention) with Prometheus metrics: requests, errors, latency, predictions and drift.

    automl serve runs/titanic --port 8000
    curl -X POST localhost:8000/predict -d '{"rows": [{"pclass": 3, "sex": "male", ...}]}'
    curl localhost:8000/metrics

Needs the ``serve`` extra: ``pip install "automl[serve]"``.
"""

from __future__ import annotations

from pathlib import Path


def serve(path: str | Path, *, host: str = "127.0.0.1", port: int = 8000,
          window: int = 1_000) -> None:
    """Serves the model of a project folder or an exported ``.keras`` file until stopped."""
    import warnings

    import uvicorn

    from automl.serve._app import create_app
    from automl.serve._served import load_served

    # scikit-learn's forests say this on every prediction made in a server thread (their
    # configuration is the default one anyway): it would flood the log.
    warnings.filterwarnings("ignore", message="`sklearn.utils.parallel.delayed` should be used",
                            category=UserWarning)
    uvicorn.run(create_app(load_served(path), window=window), host=host, port=port,
                log_level="warning")


__all__ = ["serve"]
