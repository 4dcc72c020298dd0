"""Running one worker process: :func:`run_worker`."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import threading
from collections.abc import Callable

from procrastinate.worker import Worker

from techoms_core.registry import Registry
from techoms_core.store import StoreHost
from techoms_core.taskqueue.app import ensure_schema, make_app
from techoms_core.taskqueue.tasks import WorkerSettings


def run_worker(
    url: str,
    registry: Registry,
    *,
    concurrency: int = 4,
    settings: WorkerSettings | None = None,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Run recurring jobs from the PostgreSQL database ``url`` until SIGTERM or
    SIGINT; up to ``concurrency`` jobs at once.

    On the signal the worker fetches no new job, and the runs in progress stop
    after their current batch or page (their results committed); it returns
    once they have. ``on_ready`` is called when the worker is about to fetch
    jobs (the CLI prints a line).
    """
    settings = settings or WorkerSettings()
    ensure_schema(url)
    with StoreHost(url, pool_size=concurrency + 1) as host:
        asyncio.run(_serve(url, host, registry, concurrency, settings, on_ready))


async def _serve(url, host, registry, concurrency, settings, on_ready) -> None:
    stop = threading.Event()
    app = make_app(url, settings)
    async with app.open_async():
        worker = Worker(
            app,
            name=f"techoms@{socket.gethostname()}:{os.getpid()}",
            concurrency=concurrency,
            install_signal_handlers=False,
            update_heartbeat_interval=settings.heartbeat,
            stalled_worker_timeout=settings.stalled_after,
            delete_jobs="successful",
            additional_context={"host": host, "registry": registry, "stop": stop},
        )

        def on_signal() -> None:
            stop.set()
            worker.stop()

        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, on_signal)
        try:
            if on_ready is not None:
                on_ready()
            await worker.run()
        finally:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)
