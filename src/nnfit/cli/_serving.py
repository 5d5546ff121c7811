"""`nnfit serve`: the playground, a local web page over the same library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ._base import EPILOG, RUNS_DIR, main

# Each command imports the library inside its function: `nnfit --help` and the input checks answer
# without loading JAX (0.2 s, against about 2 s with it).


@main.command("serve", epilog=EPILOG)
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="port to listen on")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="address to listen on; any but 127.0.0.1 lets other machines in, and the page has no login",
)
@click.option("--runs", "runs_dir", default=str(RUNS_DIR), show_default=True, help="run directory folder to fit into")
@click.option("--no-browser", is_flag=True, help="do not open the page in a browser")
@click.option("--max-samples", type=click.IntRange(1), help="most rows of data one fit may use")
@click.option("--max-steps", type=click.IntRange(1), help="most steps one fit may ask for")
@click.option("--max-seconds", type=click.FloatRange(min=0, min_open=True), help="most seconds one fit may train")
@click.option("--max-upload", type=click.FloatRange(min=0, min_open=True), help="largest data file to upload, MiB")
@click.option("--max-queue", type=click.IntRange(1), help="most fits waiting at once")
def serve_command(
    *,  # click passes every option by name
    port: int,
    host: str,
    runs_dir: str,
    no_browser: bool,
    max_samples: int | None,
    max_steps: int | None,
    max_seconds: float | None,
    max_upload: float | None,
    max_queue: int | None,
) -> None:
    """Start the playground: a local web page that fits a formula or an uploaded data file live,
    shows the doctor's findings with fixes to apply, and compares runs. Fits are written to --runs."""
    import dataclasses

    from ..web import LOOPBACK, Limits, serve

    upload = None if max_upload is None else round(max_upload * 2**20)
    caps: dict[str, Any] = {
        "samples": max_samples,
        "steps": max_steps,
        "seconds": max_seconds,
        "upload": upload,
        "queue": max_queue,
    }
    limits = dataclasses.replace(Limits(), **{k: v for k, v in caps.items() if v is not None})
    shown_host = f"[{host}]" if ":" in host else host
    click.echo(f"nnfit playground on http://{shown_host}:{port}/  (Ctrl-C stops it; runs in {runs_dir}/)")
    click.echo(
        f"caps per fit: {limits.samples} rows, {limits.steps} steps, {limits.seconds:g} s of training, "
        f"uploads of {limits.upload / 2**20:g} MiB, {limits.queue} fits waiting (--max-* flags change them)"
    )
    if host not in LOOPBACK:
        click.echo(
            f"warning: listening on {host}: anyone who can reach it can fit and read runs — the page has no login"
        )
    serve(Path(runs_dir), host, port, limits, open_browser=not no_browser)
