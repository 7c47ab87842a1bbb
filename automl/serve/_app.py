"""The HTTP application (FastAPI): ``POST /predict`` (JSON rows, or CSV), ``GET /health``,
``GET /metrics`` (Prometheus). A bad request gets a 4xx naming the problem; nothing a client
sends stops the server. With a token, every endpoint but ``/health`` wants
``Authorization: Bearer <token>``."""

from __future__ import annotations

import hmac
import io
import json
import time

import pandas as pd
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from automl.serve._metrics import ServingMetrics
from automl.serve._served import ServedModel

#: Largest request body accepted, and most rows in one request.
MAX_BODY_BYTES = 10 * 2**20
MAX_ROWS = 10_000
#: Seconds the rest of a refused body is read (and dropped) before the answer.
LINGER_SECONDS = 10.0
USAGE = 'send JSON {"rows": [{"column": value, ...}, ...]} (or a list of such rows), or CSV ' \
        "with a header row (Content-Type: text/csv)"


class BadRequest(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def _rows(body: bytes, content_type: str) -> pd.DataFrame:
    """The request's rows as a DataFrame, or a ``BadRequest`` saying what is wrong."""
    if not body.strip():
        raise BadRequest(400, f"the request body is empty: {USAGE}.")
    if "csv" in content_type:
        try:
            rows = pd.read_csv(io.BytesIO(body))
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
            raise BadRequest(400, f"the body is not readable CSV ({error}): {USAGE}.") from None
    else:
        try:
            payload = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise BadRequest(400, f"the body is not valid JSON ({error}): {USAGE}.") from None
        records = payload.get("rows") if isinstance(payload, dict) else payload
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise BadRequest(422, f"the JSON holds no list of rows: {USAGE}.")
        rows = pd.DataFrame.from_records(records)
    if rows.empty:
        raise BadRequest(422, f"the request holds no rows: {USAGE}.")
    if len(rows) > MAX_ROWS:
        raise BadRequest(413, f"{len(rows)} rows in one request, more than {MAX_ROWS}: split "
                              "them over several requests.")
    return rows


async def _body(request: Request) -> bytes:
    """The request body, read chunk by chunk and refused (413) once it outgrows
    ``MAX_BODY_BYTES``: a chunked request declares no length, and must not be held whole."""
    try:
        declared = int(request.headers.get("content-length") or 0)
    except ValueError:
        raise BadRequest(400, "the Content-Length header is not a number.") from None
    too_large = declared > MAX_BODY_BYTES
    chunks, size = [], 0
    stream = request.stream()
    try:
        async for chunk in stream:
            size += len(chunk)
            if too_large or size > MAX_BODY_BYTES:
                too_large = True
                break
            chunks.append(chunk)
        if too_large:
            # Read the rest without keeping it, for a while (nginx's "lingering close"): a
            # client still sending when the connection closes gets a reset, not the 413.
            ends = time.monotonic() + LINGER_SECONDS
            async for _ in stream:
                if time.monotonic() > ends:
                    break
    except ClientDisconnect:  # the client's doing, not a server error in the metrics
        if not too_large:
            raise BadRequest(400, "the client closed the connection before the body "
                                  "ended.") from None
    if too_large:
        raise BadRequest(413, f"the body has more than {MAX_BODY_BYTES} bytes: send fewer "
                              "rows per request.")
    return b"".join(chunks)


def _unauthorised(request: Request, token: str | None) -> JSONResponse | None:
    """A 401 answer unless ``token`` is unset or the request's bearer token matches it."""
    if token is None:
        return None
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
        return None
    return JSONResponse({"error": "this server wants 'Authorization: Bearer <token>', the "
                                  "token it was started with."}, status_code=401,
                        headers={"WWW-Authenticate": "Bearer"})


def create_app(served: ServedModel, *, window: int = 1_000, token: str | None = None) -> FastAPI:
    """The application serving ``served``; ``window``: rows the drift gauges look back on;
    ``token``: the bearer token every endpoint but ``/health`` wants (``None``: none)."""
    if token is not None and not token.strip():
        raise ValueError("the serving token is empty: pass a non-empty token, or none.")
    app = FastAPI(title=f"automl: {served.name}", docs_url=None, redoc_url=None)
    metrics = ServingMetrics(served.profile, served.classifies, window)
    app.state.metrics = metrics

    @app.post("/predict")
    async def predict(request: Request):
        started = time.perf_counter()
        refused = _unauthorised(request, token)
        if refused is not None:
            metrics.observe("/predict", 401, time.perf_counter() - started)
            return refused
        status, content = 200, None
        try:
            body = await _body(request)
            rows = _rows(body, request.headers.get("content-type", ""))
            try:
                content = await run_in_threadpool(served.predict, rows)
            except (ValueError, TypeError, KeyError) as error:  # the model's own checks
                raise BadRequest(422, str(error)) from None
            metrics.predicted(rows, content["predictions"])
        except BadRequest as error:
            status, content = error.status, {"error": str(error)}
        except Exception as error:  # counted and answered; the server goes on
            status, content = 500, {"error": f"{type(error).__name__}: {error}"}
        metrics.observe("/predict", status, time.perf_counter() - started)
        return JSONResponse(content, status_code=status)

    @app.get("/health")
    async def health():
        metrics.requests.labels("/health", "200").inc()
        return {"status": "ok", "model": served.name, "columns": served.columns}

    @app.get("/metrics")
    async def scrape(request: Request):
        refused = _unauthorised(request, token)
        if refused is not None:
            metrics.requests.labels("/metrics", "401").inc()
            return refused
        return Response(await run_in_threadpool(metrics.exposition),
                        media_type=CONTENT_TYPE_LATEST)

    return app
