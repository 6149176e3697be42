"""`exohair serve`: the web application (pages, portal and the API under /api/v1) on uvicorn."""

from __future__ import annotations

import typer

from exohair.cli.console import out


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on. Keep loopback behind a proxy."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    workers: int = typer.Option(2, "--workers", min=1, max=64, help="Processes; one per core is a good start."),
    proxy_headers: bool = typer.Option(
        False, "--proxy-headers", help="Trust X-Forwarded-Proto/For from a local TLS proxy (marks cookies Secure)."
    ),
) -> None:
    """Serve the clinic app until interrupted. Settings come from EXOHAIR_* (see README)."""
    import uvicorn  # imported here: the planning commands never need the web stack

    from exohair.config import get_settings
    from exohair.db.engine import make_engine, refresh_statistics

    engine = make_engine(get_settings().database_url)
    refresh_statistics(engine)  # once, before the workers start: the planner's picture of the data grows stale
    engine.dispose()
    out.print(f"exohair on http://{host}:{port}/  (API: http://{host}:{port}/api/v1/, {workers} worker(s))")
    uvicorn.run(
        "exohair.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips="127.0.0.1" if proxy_headers else None,
        access_log=False,  # access lines carry query strings (names searched for): no patient data in logs
        log_level="warning",
        server_header=False,
    )
