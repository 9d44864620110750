"""gunicorn settings, read from the working directory (`gunicorn anju.wsgi`).

Sync workers, one per core by default: a request is CPU-bound Python plus short database
round trips, so more workers than cores only add switching (measured on 2 cores: 4
workers created 25 % fewer tickets per second than 2, each request costing more CPU).
`GUNICORN_WORKERS` overrides it (e.g. cores + 1 when the database sits on the same
machine and requests wait on it).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# recycle a worker now and then so a slow leak cannot grow without bound
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
