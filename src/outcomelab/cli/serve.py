"""``outcomelab serve``: run the submission portal (an ASGI application under uvicorn)."""

from __future__ import annotations

from pathlib import Path

import typer

from outcomelab.cli.main import app

__all__ = ["serve"]


@app.command("serve")
def serve(
    store: Path | None = typer.Option(
        None, "--store", help="Store folder (default $OUTCOMELAB_HOME or ~/.outcomelab)."
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    demo: bool = typer.Option(
        False, "--demo", help="Serve a demo store (./demo-portal) with the example and demo users."
    ),
    workers: int = typer.Option(2, "--workers", help="Evaluation worker processes."),
    max_upload_mb: int = typer.Option(256, "--max-upload-mb", help="Largest upload in MB."),
    secure_cookies: bool = typer.Option(
        False, "--secure-cookies", help="Mark cookies Secure (when served over HTTPS)."
    ),
    auth: str | None = typer.Option(
        None, "--auth", help="Identity provider adapter module:Class (see the portal docs)."
    ),
) -> None:
    """Run the submission portal: upload, validate, submit, evaluate and publish in a browser."""
    import uvicorn

    from outcomelab.portal import PortalConfig
    from outcomelab.portal.accounts.identity_provider import load_provider
    from outcomelab.portal.web import create_app
    from outcomelab.store import default_store_path

    folder = store or (Path("demo-portal") if demo else default_store_path())
    if demo:
        from outcomelab.portal.demo import prepare_demo

        typer.echo(f"Preparing the demo store in {folder.resolve()} ...")
        for user, password in prepare_demo(folder):
            role = ", ".join(user.roles) + (f" of {user.organisation}" if user.organisation else "")
            typer.echo(f"  {user.username:<11} {role:<22} one-time password: {password}")
    config = PortalConfig(
        store=folder, workers=workers, max_upload_bytes=max_upload_mb * 1024 * 1024,
        secure_cookies=secure_cookies,
    )  # fmt: skip
    provider = load_provider(auth) if auth else None
    typer.echo(f"Serving the portal on http://{host}:{port}/ (store {config.store}); Ctrl+C stops.")
    uvicorn.run(
        create_app(config, provider=provider), host=host, port=port, log_level="warning",
        proxy_headers=True, server_header=False,
    )  # fmt: skip
