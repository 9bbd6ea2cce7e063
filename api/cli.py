"""The `weerbaar` command: set-up, administration, serving and background work.

It lives above the domain package (`app`) because it wires the domain, the JSON API and the web UI
together; `app` imports neither `api` nor `web`.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from sqlmodel import Session, select

from app import migrate as migrations
from app.auth import oauth
from app.auth import service as auth
from app.config import ConfigurationError, Settings, get_settings
from app.db import is_sqlite, make_engine, session_scope, utcnow
from app.errors import DomainError, FieldError, Invalid
from app.organisation import service as organisations
from app.organisation.models import Organisation

if TYPE_CHECKING:
    from app.backup.service import Report

cli = typer.Typer(no_args_is_help=True, add_completion=False, help="Weerbaar command line.")
log = logging.getLogger("weerbaar")

DEMO_SLUG = "demo"
DEMO_ADMIN = "admin@demo.weerbaar.local"


def _settings() -> Settings:
    try:
        settings = get_settings()
        settings.resolved_secret_key()
        from app.audit import keys as audit_keys

        audit_keys.configure(settings)
        return settings
    except (ConfigurationError, ValueError) as exc:
        typer.echo(f"Configuration error: {exc}", err=True)
        raise typer.Exit(2) from exc


def _fail(exc: DomainError) -> typer.Exit:
    typer.echo(f"Error: {exc.detail}", err=True)
    for error in exc.errors:
        typer.echo(f"  {error.field}: {error.detail}", err=True)
    return typer.Exit(1)


@contextmanager
def _transaction(settings: Settings | None = None) -> Iterator[Session]:
    """One committed transaction for a command; a domain error becomes a clear message and exit 1."""
    engine = make_engine((settings or _settings()).effective_database_url)
    try:
        with session_scope(engine) as session:
            yield session
    except DomainError as exc:
        raise _fail(exc) from exc
    finally:
        engine.dispose()


@cli.command("migrate")
def migrate_command() -> None:
    """Apply all database migrations."""
    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrations.upgrade(settings.effective_database_url)
    typer.echo("Database is up to date.")


@cli.command("create-organisation")
def create_organisation(
    name: Annotated[str, typer.Option(help="Display name, e.g. 'Gemeente Utrecht'.")],
    slug: Annotated[str, typer.Option(help="Short unique name, e.g. 'utrecht'.")],
    country: Annotated[str, typer.Option(help="NL or DK.")],
) -> None:
    """Create an organisation (a municipality)."""
    with _transaction() as session:
        org = organisations.create_organisation(session, name=name, slug=slug, country=country)
        typer.echo(f"Created organisation {org.slug} ({org.country}), id {org.id}")


@cli.command("create-user")
def create_user(
    organisation: Annotated[str, typer.Option(help="Organisation slug.")],
    email: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option()],
    role: Annotated[list[str], typer.Option(help="Role; repeat or comma-separate for several.")],
    name: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Create a staff user with one or more roles."""
    roles = [r.strip() for item in role for r in item.split(",") if r.strip()]
    with _transaction() as session:
        org = organisations.get_organisation_by_slug(session, slug=organisation)
        user = organisations.create_user(
            session, organisation_id=org.id, email=email, password=password, roles=roles, name=name
        )
        typer.echo(f"Created user {user.email} with roles {', '.join(user.roles)}")


@cli.command("create-api-client")
def create_api_client(
    organisation: Annotated[str, typer.Option(help="Organisation slug.")],
    name: Annotated[str, typer.Option()],
    scopes: Annotated[str, typer.Option(help="'all' or a comma-separated list of scopes.")],
) -> None:
    """Create an API client; its secret token is printed once, as the last line."""
    settings = _settings()
    with _transaction(settings) as session:
        org = organisations.get_organisation_by_slug(session, slug=organisation)
        client, token = auth.create_api_client(
            session,
            organisation_id=org.id,
            name=name,
            scopes=auth.parse_scopes(scopes),
            key=settings.resolved_secret_key(),
        )
        secret = oauth.new_secret(client, key=settings.resolved_secret_key(), now=utcnow())
        session.add(client)
        typer.echo(f"Created API client {client.name} ({client.id}) with scopes {', '.join(client.scopes)}")
        typer.echo(f"OAuth2 client credentials: client_id {client.id}, client_secret {secret}")
        typer.echo("The secret and the static token (deprecated) are shown only now; store them safely:")
        typer.echo(token)


@cli.command("list-api-clients")
def list_api_clients(organisation: Annotated[str, typer.Option(help="Organisation slug.")]) -> None:
    """List an organisation's API clients (never their tokens)."""
    with _transaction() as session:
        org = organisations.get_organisation_by_slug(session, slug=organisation)
        for client in auth.list_api_clients(session, organisation_id=org.id):
            state = f"revoked {client.revoked_at.isoformat()}" if client.revoked_at else "active"
            typer.echo(
                f"{client.id}  {client.name}  [{', '.join(client.scopes)}]  {client.token_hint}...  {state}"
            )


@cli.command("rotate-api-client")
def rotate_api_client(
    organisation: Annotated[str, typer.Option(help="Organisation slug.")],
    client_id: Annotated[str, typer.Option("--id", help="The API client's id.")],
) -> None:
    """Give an API client a new token (printed once, as the last line); the old one stops working."""
    settings = _settings()
    with _transaction(settings) as session:
        org = organisations.get_organisation_by_slug(session, slug=organisation)
        client = auth.get_api_client(session, organisation_id=org.id, api_client_id=_uuid(client_id))
        _, token = auth.rotate_api_client(session, client=client, key=settings.resolved_secret_key())
        typer.echo(f"Rotated the token of API client {client.name} ({client.id}); the old one is void.")
        typer.echo(token)


@cli.command("revoke-api-client")
def revoke_api_client(
    organisation: Annotated[str, typer.Option(help="Organisation slug.")],
    client_id: Annotated[str, typer.Option("--id", help="The API client's id.")],
) -> None:
    """Revoke an API client: its token is refused from now on."""
    with _transaction() as session:
        org = organisations.get_organisation_by_slug(session, slug=organisation)
        client = auth.get_api_client(session, organisation_id=org.id, api_client_id=_uuid(client_id))
        auth.revoke_api_client(session, client=client)
        typer.echo(f"Revoked API client {client.name} ({client.id}).")


def _uuid(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError as exc:
        raise Invalid("Not an id.", [FieldError("id", "must be a UUID")]) from exc


@cli.command("verify-audit")
def verify_audit(
    anchors: Annotated[
        bool, typer.Option("--anchors/--no-anchors", help="Compare with the newest anchor in the store.")
    ] = True,
) -> None:
    """Verify the audit chains' keyed hashes and compare them with the newest anchor.

    Names every edited or re-hashed event, deleted events, tail or chain; exit 1 if any.
    """
    from app.audit import verification
    from app.db import reading
    from app.storage import make_store

    settings = _settings()
    engine = make_engine(settings.effective_database_url)
    try:
        # A read snapshot: on SQLite the walk holds no write lock while the server runs.
        with Session(reading(engine)) as session:
            result = verification.verify(session, store=make_store(settings) if anchors else None)
            names = {str(o.id): o.slug for o in session.exec(select(Organisation)).all()}
    finally:
        engine.dispose()
    if result.anchor:
        at = result.anchor.at.isoformat(timespec="seconds")
        typer.echo(f"Newest anchor: {result.anchor.key} of {at} ({result.anchor.chains} chain(s)).")
    elif result.anchors_checked and verification.Tamper.anchors_unreadable not in result.kinds:
        typer.echo("No anchor yet: a deleted tail or chain cannot be detected (run `weerbaar anchor-audit`).")
    for finding in result.findings:
        chain = finding.chain if finding.chain == "-" else f"{names.get(finding.chain, finding.chain)}"
        event = f" (event id {finding.event_id})" if finding.event_id else ""
        typer.echo(f"BROKEN [{finding.kind.value}] chain {chain}: {finding.detail}{event}", err=True)
    stamps_ok = _report_anchor_timestamps(settings) if anchors else True
    if not result.ok:
        typer.echo(f"FAILED: {len(result.findings)} finding(s) in {result.events} events.", err=True)
        raise typer.Exit(1)
    if not stamps_ok:
        typer.echo("FAILED: an anchor's timestamp does not verify.", err=True)
        raise typer.Exit(1)
    typer.echo(f"OK: {result.events} events in {result.chains} chain(s) verified.")


def _report_anchor_timestamps(settings: Settings) -> bool:
    """Print which anchors carry a valid RFC 3161 timestamp; False if any token fails."""
    from app.audit import anchors
    from app.storage import make_store
    from app.timestamp import client as tsa

    check = anchors.check_timestamps(make_store(settings))
    if check.unchecked:
        typer.echo(f"Anchor timestamps not checked: {check.unchecked}.")
        return True
    if not check.valid and not check.invalid and not tsa.configured(settings):
        return True  # no TSA, no tokens: nothing to report
    typer.echo(f"Anchors with a valid timestamp: {len(check.valid)} of {check.anchors}.")
    if check.valid:
        key, token = check.valid[-1]
        at = token.gen_time.isoformat(timespec="seconds").replace("+00:00", "Z")
        typer.echo(
            f"Newest timestamped anchor: {key}, stamped {at} by {token.tsa_name} (serial {token.serial})."
        )
    for key, reason in check.invalid:
        typer.echo(f"BROKEN [anchor_timestamp] {key}: {reason}", err=True)
    return not check.invalid


@cli.command("anchor-audit")
def anchor_audit() -> None:
    """Write the audit chains' heads, sealed, to the evidence store now (also a recurring job)."""
    from app.audit import anchors
    from app.storage import make_store

    settings = _settings()
    engine = make_engine(settings.effective_database_url)
    try:
        with session_scope(engine) as session:
            anchor = anchors.write_anchor(session, make_store(settings))
    finally:
        engine.dispose()
    typer.echo(f"Anchored {len(anchor.chains)} chain(s) in {anchor.key}.")
    if anchor.token is not None:
        at = anchor.token.gen_time.isoformat(timespec="seconds").replace("+00:00", "Z")
        typer.echo(f"Timestamped {at} by {anchor.token.tsa_name} ({anchors.token_key(anchor.key)}).")
    elif anchor.timestamp_error is not None:
        typer.echo(f"No timestamp: {anchor.timestamp_error}", err=True)


def _report(report: Report) -> None:
    """Print a backup or restore report; exit 1 when it names any problem."""
    for line in report.lines:
        typer.echo(line)
    if report.problems:
        typer.echo(f"FAILED: {len(report.problems)} problem(s):", err=True)
        for problem in report.problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1)
    typer.echo("OK")


@cli.command("backup")
def backup_command(
    to: Annotated[Path, typer.Option("--to", help="A new (or empty) directory for the backup.")],
) -> None:
    """Copy the database and the evidence into a new directory, with a manifest; safe while serving."""
    from app.backup import service as backups
    from app.storage import make_store

    settings = _settings()
    try:
        report = backups.make_backup(settings, store=make_store(settings), target=to)
    except backups.BackupError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from exc
    _report(report)


@cli.command("restore")
def restore_command(
    source: Annotated[Path, typer.Option("--from", help="A directory made by `weerbaar backup`.")],
    check: Annotated[bool, typer.Option("--check", help="Only check the backup; restore nothing.")] = False,
) -> None:
    """Restore a backup into an empty installation, migrate it, and verify evidence and audit chains."""
    from app.backup import service as backups
    from app.storage import make_store

    try:
        if check:
            report = backups.check_backup(source)
        else:
            settings = _settings()
            report = backups.restore(settings, store=make_store(settings), source=source)
    except backups.BackupError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from exc
    _report(report)


def ensure_demo(settings: Settings) -> str | None:
    """On a first start in development: a demo organisation and admin; returns the login text."""
    engine = make_engine(settings.effective_database_url)
    password_file = settings.data_dir / "initial-admin.txt"
    try:
        with session_scope(engine) as session:
            if session.exec(select(Organisation)).first() is None:
                org = organisations.create_organisation(
                    session, name="Gemeente Demo", slug=DEMO_SLUG, country="NL"
                )
                password = secrets.token_urlsafe(12)
                organisations.create_user(
                    session,
                    organisation_id=org.id,
                    email=DEMO_ADMIN,
                    password=password,
                    roles=["admin", "case_handler", "auditor"],
                    name="Demo Admin",
                )
                password_file.write_text(f"{DEMO_ADMIN}\n{password}\n")
                password_file.chmod(0o600)
    finally:
        engine.dispose()
    if password_file.exists():
        email, password = password_file.read_text().split()[:2]
        return f"  e-mail:   {email}\n  password: {password}   (kept in {password_file})"
    return None


# `weerbaar serve --workers N`: what each server process needs to build the app (uvicorn's factory).
SERVE_WEB_API_URL = "WEERBAAR_SERVE_WEB_API_URL"


def _served_app(settings: Settings, web_api_url: str | None) -> Any:
    from api.main import create_app
    from web.main import create_web

    web = (
        create_web(
            api_url=web_api_url,
            secret_key=settings.resolved_secret_key(),
            max_upload_bytes=settings.max_evidence_bytes,
        )
        if web_api_url
        else None
    )
    return create_app(settings, web=web)


def served_app() -> Any:
    """The app of one server process of `weerbaar serve --workers N` (built in that process)."""
    return _served_app(_settings(), os.environ.get(SERVE_WEB_API_URL) or None)


@cli.command("serve")
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    with_web: Annotated[bool, typer.Option("--with-web/--api-only", help="Also serve the UI at /.")] = True,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Server processes (PostgreSQL only). With more than one, the job runner runs once, "
            "in this command's own process, not in the servers.",
        ),
    ] = 1,
) -> None:
    """Migrate, create the demo account on first start (development), and serve API and UI."""
    import uvicorn

    settings = _settings()
    if workers > 1 and is_sqlite(settings.effective_database_url):
        typer.echo(
            "Several server processes need PostgreSQL (WEERBAAR_DATABASE_URL); SQLite serves one.", err=True
        )
        raise typer.Exit(code=2)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if settings.environment == "development":
        # Embedded mode sets itself up; production runs `weerbaar migrate` once per release.
        migrations.upgrade(settings.effective_database_url)
    demo = settings.environment == "development" and settings.create_demo
    login = ensure_demo(settings) if demo else None
    web_api_url = f"http://{host}:{port}/api/v1" if with_web else None
    base = f"http://{host}:{port}"
    typer.echo("")
    typer.echo(f"Weerbaar is running at {base}/  (API: {base}/api/v1, contract: {base}/api/v1/openapi.json)")
    if login:
        typer.echo("Log in with:")
        typer.echo(login)
    typer.echo("")
    if workers == 1:
        app = _served_app(settings, web_api_url)
        uvicorn.run(app, host=host, port=port, log_level=settings.log_level, proxy_headers=True)
        return
    # Several processes: each builds its app from the environment, without the job runner.
    os.environ[SERVE_WEB_API_URL] = web_api_url or ""
    os.environ["WEERBAAR_RUN_JOBS_IN_PROCESS"] = "false"
    with _job_runner(settings):
        uvicorn.run(
            "api.cli:served_app",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level=settings.log_level,
            proxy_headers=True,
        )


@contextmanager
def _job_runner(settings: Settings) -> Iterator[None]:
    """The job runner in a thread of this process while the block runs (if the settings want one)."""
    if not settings.run_jobs_in_process:
        yield
        return
    from app.audit import anchors
    from app.jobs import service as jobs
    from app.jobs.handlers import register_all

    register_all()
    engine = make_engine(settings.effective_database_url, threads=2)
    anchors.schedule(engine)
    stop = threading.Event()
    runner = threading.Thread(
        target=jobs.run_forever,
        args=(engine, stop, settings.job_poll_seconds),
        kwargs={"lease_seconds": settings.job_lease_seconds},
        name="weerbaar-jobs",
        daemon=True,
    )
    runner.start()
    try:
        yield
    finally:
        stop.set()
        runner.join(timeout=10)
        engine.dispose()


@cli.command("web")
def web_command(
    api_url: Annotated[str, typer.Option(help="Base URL of the API, e.g. http://api:8000/api/v1.")],
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8080,
) -> None:
    """Serve the staff web UI on its own, talking to the API at --api-url."""
    import uvicorn
    from starlette.middleware import Middleware

    from api.body_timeout import BodyTimeoutMiddleware
    from api.main import body_timeouts
    from web.main import WEB_UPLOAD_PATHS, create_web

    settings = _settings()
    web = create_web(
        api_url=api_url,
        secret_key=settings.resolved_secret_key(),
        max_upload_bytes=settings.max_evidence_bytes,
        middleware=[
            Middleware(BodyTimeoutMiddleware, timeouts=body_timeouts(settings), upload_paths=WEB_UPLOAD_PATHS)
        ],
    )
    uvicorn.run(web, host=host, port=port, proxy_headers=True)


@cli.command("worker")
def worker(
    once: Annotated[bool, typer.Option(help="Run the jobs that are due, then stop.")] = False,
) -> None:
    """Run background jobs from the job table until stopped."""
    from app.jobs import service as jobs
    from app.jobs.handlers import register_all
    from app.storage import clean_stale_uploads, make_store

    register_all()
    settings = _settings()
    clean_stale_uploads(make_store(settings))
    engine = make_engine(settings.effective_database_url)
    from app.audit import anchors

    anchors.schedule(engine)
    if once:
        while jobs.run_one(engine, jobs.worker_id(), lease_seconds=settings.job_lease_seconds):
            pass
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    typer.echo(f"Worker {jobs.worker_id()} started.")
    jobs.run_forever(engine, stop, settings.job_poll_seconds, lease_seconds=settings.job_lease_seconds)


def main() -> None:
    """Entry point of the console script."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    cli(prog_name="weerbaar")


if __name__ == "__main__":
    main()
