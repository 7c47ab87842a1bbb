"""Load test of ``automl serve`` on loopback: the real command in its own process, a Python load
generator of persistent connections in threads.

    python benchmarks/serve_load.py [--folder DIR] [--requests 6000] [--threads 8]

Without ``--folder`` it first fits titanic (30 s, the columns that restate the target left
out) into a temporary folder. Prints requests per second, p50/p99 latency, status counts (no
5xx expected), the server's resident memory before and after, the answers to malformed
requests, and what /metrics says once parsed by prometheus_client's parser.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from prometheus_client.parser import text_string_to_metric_families

TITANIC = Path(__file__).resolve().parents[2] / "shared" / "data" / "tables" / "titanic.csv"


def titanic() -> pd.DataFrame:
    return pd.read_csv(TITANIC).drop(columns=["alive", "class", "who", "adult_male",
                                              "embark_town"])


def fit_titanic(folder: Path) -> Path:
    import automl

    automl.StructuredDataClassifier(time_budget=30, seed=0, verbose=0, directory=folder,
                                    project_name="titanic").fit(titanic(), "survived")
    return folder / "titanic"


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


def request(connection, method: str, path: str, body: str | None = None):
    connection.request(method, path, body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, response.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    folder = args.folder or fit_titanic(Path(tempfile.mkdtemp()))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "automl", "serve", str(folder),
                               "--port", str(port)])
    try:
        for _ in range(600):
            try:
                if request(http.client.HTTPConnection("127.0.0.1", port), "GET",
                           "/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        rows = titanic().drop(columns="survived").to_dict("records")
        bodies = [json.dumps({"rows": [row]}, default=str).replace("NaN", "null")
                  for row in rows]
        warm = http.client.HTTPConnection("127.0.0.1", port)
        for body in bodies[:50]:
            request(warm, "POST", "/predict", body)
        memory_before = rss_kib(server.pid)
        latencies, statuses, lock = [], Counter(), threading.Lock()

        def worker(index: int) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            mine, counted = [], Counter()
            for k in range(index, args.requests, args.threads):
                tic = time.perf_counter()
                status, _ = request(connection, "POST", "/predict", bodies[k % len(bodies)])
                mine.append(time.perf_counter() - tic)
                counted[status] += 1
            with lock:
                latencies.extend(mine)
                statuses.update(counted)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
        tic = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - tic
        memory_after = rss_kib(server.pid)
        milliseconds = np.array(latencies) * 1000
        print(f"model: {folder}")
        print(f"{len(latencies)} requests (1 row each) from {args.threads} threads in "
              f"{seconds:.1f} s: {len(latencies) / seconds:.0f} requests/s; latency p50 "
              f"{np.percentile(milliseconds, 50):.1f} ms, p99 {np.percentile(milliseconds, 99):.1f}"
              f" ms; statuses {dict(statuses)}; 5xx: {sum(v for k, v in statuses.items() if k >= 500)}")
        print(f"server memory (RSS): {memory_before / 1024:.1f} MiB before, "
              f"{memory_after / 1024:.1f} MiB after")
        connection = http.client.HTTPConnection("127.0.0.1", port)
        malformed = {"empty body": "", "not JSON": "{oops", "no rows": '{"rows": []}',
                     "missing column": '{"rows": [{"age": 3}]}',
                     "wrong type": json.dumps({"rows": [{**rows[0], "age": "old"}]},
                                              default=str).replace("NaN", "null"),
                     "huge body": json.dumps({"rows": [{"age": 1}] * 20_000})}
        for name, body in malformed.items():
            status, answer = request(connection, "POST", "/predict", body)
            print(f"  {name:15s} -> {status} {json.loads(answer)['error'][:110]}")
        status, text = request(connection, "GET", "/metrics")
        families = {f.name: f for f in text_string_to_metric_families(text.decode())}
        requests = {tuple(s.labels.values()): s.value for s in
                    families["automl_requests"].samples if s.name.endswith("_total")}
        drift = {s.labels["column"]: round(s.value, 3) for s in families["automl_drift_psi"].samples}
        print(f"/metrics ({status}, {len(families)} families parsed): requests {requests}")
        print(f"  drift over the last rows (PSI): {drift}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
