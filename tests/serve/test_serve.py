"""``automl serve`` over a real socket: predictions, bad requests answered 4xx without stopping
the server, and /metrics read back by prometheus_client's own parser."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import automl

pytest.importorskip("fastapi", reason="automl serve needs the serve extra")
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402


def people(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    table = pd.DataFrame({"height": rng.normal(170, 10, rows).round(2),
                          "colour": rng.choice(["red", "green", "blue"], rows)})
    table["label"] = np.where(table["height"] + rng.normal(0, 5, rows) > 170, "tall", "short")
    return table


TOKEN = "s3cret-token"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(app) -> tuple[object, threading.Thread, int]:
    """``app`` served by uvicorn in a thread of this process, on a free port."""
    import uvicorn

    port = _free_port()
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                            log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(200):
        if running.started:
            break
        time.sleep(0.05)
    return running, thread, port


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A tiny fitted project folder."""
    folder = tmp_path_factory.mktemp("serve")
    automl.StructuredDataClassifier(max_trials=2, cv=2, n_jobs=1, scheduler="in-process",
                                    seed=0, verbose=0, directory=folder,
                                    project_name="people").fit(people(300, 0), "label")
    return folder / "people"


@pytest.fixture(scope="module")
def servers(project):
    """The project served twice: openly, and wanting a bearer token."""
    from automl.serve._app import create_app
    from automl.serve._served import load_served

    started = [_start(create_app(load_served(project), window=200, token=token))
               for token in (None, TOKEN)]
    yield [port for _, _, port in started]
    for running, thread, _ in started:
        running.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(servers):
    return servers[0]


def ask(port: int, method: str, path: str, body=None, content_type: str = "application/json",
        **headers) -> tuple[int, dict | str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, body=body, headers={"Content-Type": content_type, **headers},
                       encode_chunked=body is not None and not isinstance(body, (bytes, str)))
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    if response.getheader("content-type", "").startswith("application/json"):
        return response.status, json.loads(text)
    return response.status, text


def test_predict_answers_json_and_csv_rows(server):
    rows = people(5, 1).drop(columns="label")
    status, answer = ask(server, "POST", "/predict",
                         json.dumps({"rows": rows.to_dict("records")}))
    assert status == 200
    assert len(answer["predictions"]) == 5 and set(answer["predictions"]) <= {"tall", "short"}
    assert all(abs(sum(p.values()) - 1) < 1e-6 for p in answer["probabilities"])
    status, from_csv = ask(server, "POST", "/predict", rows.to_csv(index=False), "text/csv")
    assert status == 200 and from_csv["predictions"] == answer["predictions"]
    status, health = ask(server, "GET", "/health")
    assert status == 200 and health["columns"] == ["height", "colour"]


@pytest.mark.parametrize("body, status, says", [
    ("", 400, "the request body is empty"),
    ("{not json", 400, "not valid JSON"),
    ('{"rows": 3}', 422, "no list of rows"),
    ('{"rows": []}', 422, "holds no rows"),
    ('{"rows": [{"height": 170}]}', 422, "lack the columns ['colour']"),
    ('{"rows": [{"height": "tall", "colour": "red"}]}', 422, "column 'height'"),
    (json.dumps({"rows": [{"height": 1, "colour": "red"}] * 10_001}), 413, "more than 10000"),
])
def test_bad_requests_get_a_4xx_naming_the_problem_and_the_server_goes_on(server, body,
                                                                          status, says):
    answered, content = ask(server, "POST", "/predict", body)
    assert answered == status and says in content["error"]
    assert ask(server, "GET", "/health")[0] == 200


def test_metrics_parse_and_count_requests_errors_predictions_and_drift(server):
    shifted = people(100, 2).drop(columns="label").assign(height=lambda t: t["height"] + 40)
    assert ask(server, "POST", "/predict",
               json.dumps({"rows": shifted.to_dict("records")}))[0] == 200
    ask(server, "POST", "/predict", "")
    status, text = ask(server, "GET", "/metrics")
    assert status == 200
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    assert samples["automl_requests_total", (("endpoint", "/predict"), ("status", "200"))] >= 1
    assert samples["automl_requests_total", (("endpoint", "/predict"), ("status", "400"))] >= 1
    assert samples["automl_request_latency_seconds_count", (("endpoint", "/predict"),)] >= 2
    assert samples["automl_predictions_total", (("class_", "tall"),)] >= 100
    assert samples["automl_drift_psi", (("column", "height"),)] > 0.25  # the window drifted
    assert samples["automl_drift_window_rows", ()] >= 100



def test_a_chunked_body_over_the_limit_gets_413_and_the_server_goes_on(server):
    megabyte = b" " * 2**20
    status, content = ask(server, "POST", "/predict", (megabyte for _ in range(20)))
    assert status == 413 and "more than 10485760 bytes" in content["error"]
    rows = people(3, 1).drop(columns="label").to_dict("records")
    chunked = (part.encode() for part in ('{"rows": ', json.dumps(rows), "}"))
    status, answer = ask(server, "POST", "/predict", chunked)  # under the limit: read whole
    assert status == 200 and len(answer["predictions"]) == 3
    assert ask(server, "GET", "/health")[0] == 200


def test_with_a_token_every_endpoint_but_health_wants_it(servers):
    _, guarded = servers
    body = json.dumps({"rows": people(2, 1).drop(columns="label").to_dict("records")})
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        status, content = ask(guarded, "POST", "/predict", body, **headers)
        assert status == 401 and "Authorization: Bearer <token>" in content["error"]
        assert ask(guarded, "GET", "/metrics", **headers)[0] == 401
    authorised = {"Authorization": f"Bearer {TOKEN}"}
    status, answer = ask(guarded, "POST", "/predict", body, **authorised)
    assert status == 200 and len(answer["predictions"]) == 2
    status, text = ask(guarded, "GET", "/metrics", **authorised)
    assert status == 200 and 'automl_requests_total{endpoint="/predict",status="401"} 3.0' in text
    assert ask(guarded, "GET", "/health")[0] == 200


def test_automl_serve_takes_its_token_from_the_environment(project):
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "automl", "serve", str(project), "--port", str(port)],
        env={**os.environ, "AUTOML_SERVE_TOKEN": TOKEN}, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(600):
            try:
                if ask(port, "GET", "/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        assert ask(port, "GET", "/metrics")[0] == 401
        assert ask(port, "GET", "/metrics", Authorization=f"Bearer {TOKEN}")[0] == 200
    finally:
        server.terminate()
        stderr = server.communicate(timeout=30)[1]
    assert "without a token" not in stderr


def test_an_empty_token_is_refused_not_served_openly(project, capsys):
    from automl.cli import main

    assert main(["serve", str(project), "--token", ""]) == 2
    assert "the serving token is empty" in capsys.readouterr().err


@pytest.mark.parametrize("host, token, warns", [
    ("127.0.0.1", None, False), ("localhost", None, False), ("::1", None, False),
    ("0.0.0.0", None, True), ("192.168.1.5", None, True), ("example.org", None, True),
    ("0.0.0.0", TOKEN, False),
])
def test_serving_beyond_this_machine_without_a_token_warns(host, token, warns):
    from automl.serve import exposure_warning

    warning = exposure_warning(host, token)
    assert (warning is not None) is warns
    if warns:
        assert f"serving on {host} without a token" in warning and "--token" in warning
