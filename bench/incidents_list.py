"""How `GET /api/v1/incidents` scales: 10k and 1M incidents, on SQLite and PostgreSQL.

Each size is seeded in bulk into a fresh, migrated SQLite file and PostgreSQL database (straight
into the incident, incident_behaviour, incident_person and reference_counter tables; the same rows
in both). Then the real server runs once per database and size (uvicorn subprocesses) and a case
handler's session measures over HTTP, round-robin over every server and query so that the load of
a shared machine falls on all sizes alike:

- ``first``: the first page;
- ``deep``: page 100, reached by following ``next`` links (the request for page 100 is timed; the
  whole walk of 100 requests is reported separately);
- ``text``: ``?status=in_progress&q=livestream`` (the word is in 5% of the titles);
- ``behaviour``: ``?behaviour=doxxing`` (about 1 in 11 incidents);
- ``reference``: ``?q=DA-<year>-0042``, one match: no page fills up early, every visible row is a
  candidate (the worst case of the free-text filter).

Goal (issue 2): the p95 at 1M within 2x of the p95 at 10k.

    python -m bench.incidents_list            # 10k and 1M, SQLite and PostgreSQL
    python -m bench.incidents_list --quick    # 10k and 100k
    python -m bench.incidents_list --explain  # also print the query plans
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import operator
import os
import platform
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import Engine, create_engine, event, insert, select, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.auth.actor import Actor
from app.auth.models import AuthSession
from app.db import make_engine
from app.incident import service as incidents
from app.incident.models import Behaviour, Incident, Status
from app.legal import rules
from app.legal.schemas import LegalPackContent
from app.legal.service import default_content
from app.migrate import upgrade
from app.organisation.models import Organisation, Role, User
from tests.fixtures.factories import SECRET, Tenant, add_member, make_tenant
from tests.fixtures.postgres import postgres_server

ROOT = Path(__file__).resolve().parent.parent
README = Path(__file__).resolve().parent / "README.md"
RESULTS_START = "<!-- incidents-list:results -->"
RESULTS_END = "<!-- /incidents-list:results -->"
NL_PACK = LegalPackContent.model_validate(default_content("nl"))

FULL_SIZES = (10_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
PAGES_DEEP = 100
CHUNK = 20_000
WARM_UP = 5
SLOW_QUERY_RUNS = 20  # timed requests of the `reference` query (a full scan without an index)
SEARCH_WORD = "livestream"
QUERIES = ("first", "deep", "text", "behaviour", "reference")
GOAL_QUERIES = ("first", "deep", "text", "behaviour")
QUERY_LABELS = {
    "first": "first page",
    "deep": f"page {PAGES_DEEP} (via `next`)",
    "text": f"`status=in_progress&q={SEARCH_WORD}`",
    "behaviour": "`behaviour=doxxing`",
    "reference": "`q=DA-<year>-0042` (1 match)",
}

# --- realistic data --------------------------------------------------------------------------

# Twenty title templates: each is picked for 5% of the incidents, so SEARCH_WORD is in 5% of titles.
TITLES = (
    "Dreigende reactie onder bericht van de gemeente op {p}",
    "Beledigende opmerkingen over handhaver op {p}",
    "Medewerker Burgerzaken uitgescholden op {p}",
    "Doodsbedreiging aan wethouder via {p}",
    "Filmpje van baliegesprek zonder toestemming op {p}",
    "Adres van boa gedeeld in groep op {p}",
    "Intimiderende berichten aan klantmanager via {p}",
    "Discriminerende opmerkingen over medewerker op {p}",
    "Chantage met privéfoto's via {p}",
    "Lasterlijke beschuldigingen tegen afdeling Vergunningen op {p}",
    "Aanhoudende berichten aan wijkregisseur via {p}",
    "Scheldpartij in reacties na raadsvergadering op {p}",
    "Bedreiging na afwijzing van uitkering via {p}",
    "Nepaccount op naam van medewerker op {p}",
    "Vernederende meme over teamleider op {p}",
    "Oproep om medewerker thuis op te zoeken op {p}",
    "Bommelding via contactformulier en {p}",
    "Afpersing na datalek gemeld via {p}",
    "Herhaalde scheldkanonnade na parkeerboete op {p}",
    "Beledigingen tijdens livestream van raadsvergadering op {p}",
)
SENTENCES = (
    "De melder zag de berichten op maandagochtend.",
    "Er zijn schermafbeeldingen gemaakt en opgeslagen.",
    "De afzender is vermoedelijk een inwoner van de gemeente.",
    "De berichten gaan over een besluit op een aanvraag.",
    "De medewerker voelt zich onveilig op weg naar huis.",
    "Het account is inmiddels door het platform verwijderd.",
    "Collega's hebben vergelijkbare berichten ontvangen.",
    "De leidinggevende is op de hoogte gebracht.",
    "Er is contact opgenomen met de vertrouwenspersoon.",
    "De berichten noemen de naam en functie van de medewerker.",
    "Het gaat om meerdere reacties onder hetzelfde bericht.",
    "Aangifte wordt overwogen in overleg met de politie.",
    "De dader heeft eerder een klacht ingediend.",
    "Een deel van de reacties is inmiddels verborgen.",
    "De beheerder van de pagina heeft de reacties gemeld.",
    "Er werd een foto van de werkplek bijgevoegd.",
)
NAMES = ("J. de Vries", "A. Jansen", "M. Bakker", "S. Visser", "K. Smit", "L. Meijer", "R. de Boer")
PLATFORMS = (
    ("facebook", 24),
    ("x", 16),
    ("instagram", 12),
    ("whatsapp", 10),
    ("email", 10),
    ("tiktok", 6),
    ("youtube", 4),
    ("linkedin", 3),
    ("telegram", 3),
    ("forum", 4),
    ("website", 3),
    ("sms", 3),
    ("snapchat", 1),
    ("reddit", 1),
    ("other", 0.5),
)
BEHAVIOURS = (
    ("insult", 20),
    ("threat", 14),
    ("swearing", 14),
    ("intimidation", 10),
    ("humiliation", 8),
    ("defamation", 6),
    ("discrimination", 6),
    ("doxxing", 6),
    ("bullying", 4),
    ("stalking", 4),
    ("unauthorised_recording", 4),
    ("death_threat", 3),
    ("blackmail", 2),
    ("coercion", 2),
    ("extortion", 1),
    ("sexual_blackmail", 1),
    ("bomb_threat", 0.5),
)
STATUSES = (("closed", 45), ("in_progress", 25), ("monitoring", 15), ("reported", 15))
CONFIDENTIALITY = (("normal", 85), ("confidential", 12), ("strictly_confidential", 3))
SEVERITY = (("low", 25), ("medium", 50), ("high", 20), ("critical", 5))
LOCATIONS = ("employee_account", "municipal_account", "open_forum", "perpetrator_account", "email", None)
FREQUENCY = ("once", "several_times", "prolonged", None)
RELATIONS = ("citizen", "client", "relative_of_client", "unknown")
assert {b for b, _ in BEHAVIOURS} == {b.value for b in Behaviour}
assert {s for s, _ in STATUSES} == {s.value for s in Status}
assert sum(SEARCH_WORD in t for t in TITLES) == 1 and not any(SEARCH_WORD in s for s in SENTENCES)


@dataclass
class Org:
    """An organisation of the seeded data and the users its incidents refer to."""

    tenant: Tenant
    share: float
    employees: list[uuid.UUID] = field(default_factory=list)
    handlers: list[uuid.UUID] = field(default_factory=list)


class Picker:
    """Weighted random choice, faster than random.choices for one value at a time."""

    def __init__(self, pairs: tuple[tuple[Any, float], ...]) -> None:
        self.values = [v for v, _ in pairs]
        self.cumulative = list(itertools.accumulate(float(w) for _, w in pairs))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.total)]


INCIDENT = Incident.__table__  # type: ignore[attr-defined]
COLUMNS = [c.name for c in INCIDENT.columns]
UUID_COLUMNS = [i for i, c in enumerate(COLUMNS) if c == "id" or c.endswith("_id")]
TIME_COLUMNS = [i for i, c in enumerate(COLUMNS) if c.endswith("_at")]
ROW = operator.itemgetter(*COLUMNS)
Chunk = tuple[list[tuple[Any, ...]], list[tuple[uuid.UUID, str]], list[tuple[uuid.UUID, uuid.UUID]]]


class Seeder:
    """Deterministic incident rows, oldest report first, for every organisation.

    Rows are tuples in the incident table's column order as PostgreSQL's COPY takes them (UUIDs,
    naive UTC datetimes, JSON as text); `for_sqlite` turns them into what the app stores there.
    """

    def __init__(self, orgs: list[Org], size: int, *, seed: int = 20260301) -> None:
        self.orgs = orgs
        self.size = size
        self.seed = seed
        self.end = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(hours=1)
        self.counters: dict[tuple[uuid.UUID, int], int] = {}

    def chunks(self) -> Iterator[Chunk]:
        """Incident rows with their behaviour and person rows, CHUNK at a time."""
        platform_of, behaviour_of = Picker(PLATFORMS), Picker(BEHAVIOURS)
        status_of, confidentiality_of = Picker(STATUSES), Picker(CONFIDENTIALITY)
        severity_of, org_of = Picker(SEVERITY), Picker(tuple((o, o.share) for o in self.orgs))
        derived: dict[tuple[str, ...], tuple[str, str]] = {}
        span_us = 3 * 365 * 86_400 * 1_000_000
        start = self.end - timedelta(microseconds=span_us)
        step = span_us / self.size
        for base in range(0, self.size, CHUNK):
            rng = random.Random(self.seed * 1_000_003 + base)
            rows: list[tuple[Any, ...]] = []
            links: list[tuple[uuid.UUID, str]] = []
            people: list[tuple[uuid.UUID, uuid.UUID]] = []
            for i in range(base, min(base + CHUNK, self.size)):
                org: Org = org_of(rng)
                reported = start + timedelta(microseconds=int((i + rng.random()) * step))
                occurred = reported - timedelta(seconds=rng.randrange(60, 30 * 86_400))
                key = (org.tenant.organisation_id, reported.year)
                number = self.counters[key] = self.counters.get(key, 0) + 1
                reference = f"{incidents.REFERENCE_PREFIX}-{reported.year}-{number:04d}"
                plat = platform_of(rng)
                title = TITLES[rng.randrange(len(TITLES))].format(p=plat.capitalize())
                description = " ".join(rng.sample(SENTENCES, rng.randint(1, 4)))
                chosen = tuple(
                    dict.fromkeys(behaviour_of(rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3))))
                )
                if chosen not in derived:
                    derived[chosen] = (
                        json.dumps(list(chosen)),
                        json.dumps(rules.derive_classification(NL_PACK, chosen)),
                    )
                status = status_of(rng)
                reporter = org.employees[rng.randrange(len(org.employees))]
                affected = []
                if rng.random() < 0.7:
                    affected.append({"name": rng.choice(NAMES), "userId": str(reporter)})
                if rng.random() < 0.1:
                    other = org.employees[rng.randrange(len(org.employees))]
                    if other != reporter:
                        affected.append({"name": rng.choice(NAMES), "userId": str(other)})
                perpetrator, handles = None, []
                if rng.random() < 0.5:
                    handles = [f"@{rng.choice(('boze', 'echte', 'anonieme'))}_burger{rng.randrange(5000)}"]
                    perpetrator = json.dumps(
                        {"known": False, "accountHandles": handles, "relation": rng.choice(RELATIONS)}
                    )
                urls = [f"https://{plat}.example/post/{rng.randrange(10**9)}"] if rng.random() < 0.6 else []
                ident = uuid.UUID(int=rng.getrandbits(128), version=4)
                closed = status == "closed"
                row = {
                    "id": ident,
                    "organisation_id": org.tenant.organisation_id,
                    "reference": reference,
                    "title": title,
                    "description": description,
                    "occurred_at": occurred,
                    "detected_at": occurred + timedelta(minutes=rng.randrange(0, 600)),
                    "reported_at": reported,
                    "platform": plat,
                    "location_kind": rng.choice(LOCATIONS),
                    "urls": json.dumps(urls),
                    "behaviours": derived[chosen][0],
                    "derived_classification": derived[chosen][1],
                    "classification_override": None,
                    "classification_override_reason": None,
                    "frequency": rng.choice(FREQUENCY),
                    "targets": '["employee"]',
                    "affected_employees": json.dumps(affected),
                    "perpetrator": perpetrator,
                    "severity": severity_of(rng),
                    "status": status,
                    "closure_reason": "Afgehandeld met de medewerker." if closed else None,
                    "case_handler_id": rng.choice(org.handlers) if status != "reported" else None,
                    "confidentiality": confidentiality_of(rng),
                    "external_references": "[]",
                    "gir_category": None,
                    "safetynet_category": None,
                    "police_report_required": "death_threat" in chosen or "bomb_threat" in chosen,
                    "protocol_not_applicable": False,
                    "protocol_not_applicable_reason": None,
                    "reported_by_user_id": reporter,
                    "reported_by_client_id": None,
                    # What incident.service._search_text makes of these fields.
                    "search_text": " ".join([reference, title, description, *urls, *handles]).lower(),
                    "version": rng.randint(1, 6),
                    "created_at": reported,
                    "updated_at": reported + timedelta(days=rng.randrange(0, 20)),
                    "closed_at": reported + timedelta(days=rng.randrange(1, 60)) if closed else None,
                }
                rows.append(ROW(row))
                links.extend((ident, b) for b in chosen)
                people.extend((ident, uuid.UUID(e["userId"])) for e in affected)
            yield rows, links, people


def for_sqlite(rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    """UUIDs as 32 hex digits and datetimes as text with microseconds, as SQLAlchemy stores them."""
    out = []
    for row in rows:
        values = list(row)
        for i in UUID_COLUMNS:
            if values[i] is not None:
                values[i] = values[i].hex
        for i in TIME_COLUMNS:
            if values[i] is not None:
                values[i] = values[i].isoformat(" ", "microseconds")
        out.append(values)
    return out


LOADED_TABLES = ("incident", "incident_behaviour", "incident_person")


class SqliteLoader:
    """executemany through the sqlite3 driver, one transaction per chunk; indexes built at the end."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path)
        self.conn.execute("PRAGMA synchronous=OFF")
        self.conn.execute("PRAGMA cache_size=-1000000")
        marks = ", ".join("?" for _ in LOADED_TABLES)
        self.indexes = self.conn.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks})",
            LOADED_TABLES,
        ).fetchall()
        with self.conn:
            for name, _ in self.indexes:
                self.conn.execute(f'DROP INDEX "{name}"')
        marks = ", ".join("?" for _ in COLUMNS)
        self.insert = f"INSERT INTO incident ({', '.join(COLUMNS)}) VALUES ({marks})"

    def load(self, chunk: Chunk) -> None:
        rows, links, people = chunk
        with self.conn:
            self.conn.executemany(self.insert, for_sqlite(rows))
            self.conn.executemany(
                "INSERT INTO incident_behaviour (incident_id, behaviour) VALUES (?, ?)",
                [(i.hex, b) for i, b in links],
            )
            self.conn.executemany(
                "INSERT INTO incident_person (incident_id, user_id) VALUES (?, ?)",
                [(i.hex, u.hex) for i, u in people],
            )

    def finish(self, counters: dict[tuple[uuid.UUID, int], int]) -> None:
        with self.conn:
            self.conn.executemany(
                "INSERT INTO reference_counter (organisation_id, year, last_number) VALUES (?, ?, ?)",
                [(o.hex, y, n) for (o, y), n in counters.items()],
            )
            for _, sql in self.indexes:
                self.conn.execute(sql)
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()


class PostgresLoader:
    """COPY, one transaction per chunk; indexes built and VACUUM ANALYZE (as autovacuum would) at the end."""

    def __init__(self, engine: Engine) -> None:
        self.raw = engine.raw_connection()
        conn = self.raw.driver_connection
        assert conn is not None
        self.conn: Any = conn
        with self.conn.cursor() as cur:
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint WHERE conname = indexname)",
                (list(LOADED_TABLES),),
            )
            self.indexes = cur.fetchall()
            for name, _ in self.indexes:
                cur.execute(f'DROP INDEX "{name}"')
        self.conn.commit()

    def load(self, chunk: Chunk) -> None:
        rows, links, people = chunk
        with self.conn.cursor() as cur:
            with cur.copy(f"COPY incident ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            with cur.copy("COPY incident_behaviour (incident_id, behaviour) FROM STDIN") as copy:
                for link in links:
                    copy.write_row(link)
            with cur.copy("COPY incident_person (incident_id, user_id) FROM STDIN") as copy:
                for person in people:
                    copy.write_row(person)
        self.conn.commit()

    def finish(self, counters: dict[tuple[uuid.UUID, int], int]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO reference_counter (organisation_id, year, last_number) VALUES (%s, %s, %s)",
                [(o, y, n) for (o, y), n in counters.items()],
            )
            cur.execute("SET maintenance_work_mem = '256MB'")
            for _, sql in self.indexes:
                cur.execute(sql)
        self.conn.commit()
        self.conn.autocommit = True
        with self.conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
        self.conn.autocommit = False
        self.raw.close()


def make_orgs(engine: Engine) -> list[Org]:
    """The measured municipality (about 90% of the incidents) and three others, with staff."""
    orgs = []
    for slug, country, share in (
        ("utrecht", "NL", 0.9),
        ("aarhus", "DK", 0.04),
        ("zwolle", "NL", 0.03),
        ("odense", "DK", 0.03),
    ):
        tenant = make_tenant(engine, slug=slug, country=country, roles=("case_handler",))
        org = Org(tenant=tenant, share=share, handlers=[tenant["case_handler"].user_id])
        for n in range(2):
            org.handlers.append(add_member(engine, tenant, key=f"handler{n}", roles=["case_handler"]).user_id)
        for n in range(20):
            org.employees.append(add_member(engine, tenant, key=f"employee{n}", roles=["employee"]).user_id)
        orgs.append(org)
    return orgs


def copy_staff(source: Engine, target: Engine) -> None:
    """The same organisations, users and sessions (same ids and tokens) in another database."""
    with source.connect() as src, target.begin() as dst:
        for model in (Organisation, User, AuthSession):
            table = model.__table__  # type: ignore[attr-defined]
            rows = [dict(r._mapping) for r in src.execute(select(table))]
            if rows:
                dst.execute(insert(table), rows)


# --- the databases under test ----------------------------------------------------------------


@dataclass
class Target:
    """One seeded database of one size, and the server in front of it."""

    database: str
    size: int
    url: str
    orgs: list[Org]
    seed_seconds: float = 0.0
    base: str = ""
    deep_url: str = ""
    times: dict[str, list[float]] = field(default_factory=dict)
    walks: list[float] = field(default_factory=list)
    items: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.database} {_size(self.size)}"

    @property
    def headers(self) -> dict[str, str]:
        return self.orgs[0].tenant["case_handler"].headers


def create_postgres_database(admin_url: str, name: str) -> str:
    """A new, empty database on the server; its URL."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(False)


def seed(size: int, databases: list[str], workdir: Path, pg_admin: str | None) -> list[Target]:
    """Fresh, migrated databases of each kind with the same `size` incidents, generated once."""
    urls = {}
    for database in databases:
        if database == "sqlite":
            urls[database] = f"sqlite:///{workdir / f'bench-{size}.sqlite3'}"
        else:
            assert pg_admin is not None
            urls[database] = create_postgres_database(pg_admin, f"bench_{size}")
        upgrade(urls[database])
    engines = {d: make_engine(u) for d, u in urls.items()}
    first = databases[0]
    orgs = make_orgs(engines[first])
    for database in databases[1:]:
        copy_staff(engines[first], engines[database])
    loaders: dict[str, Any] = {
        d: SqliteLoader(workdir / f"bench-{size}.sqlite3") if d == "sqlite" else PostgresLoader(engines[d])
        for d in databases
    }
    seconds = dict.fromkeys(databases, 0.0)
    generating = 0.0
    seeder = Seeder(orgs, size)
    began = time.perf_counter()
    for chunk in seeder.chunks():
        generating += time.perf_counter() - began
        for database, loader in loaders.items():
            began = time.perf_counter()
            loader.load(chunk)
            seconds[database] += time.perf_counter() - began
        began = time.perf_counter()
    for database, loader in loaders.items():
        began = time.perf_counter()
        loader.finish(seeder.counters)
        seconds[database] += time.perf_counter() - began
    for engine in engines.values():
        engine.dispose()
    print(
        f"  generated in {generating:.0f} s; "
        + ", ".join(f"{d} loaded in {s:.0f} s" for d, s in seconds.items())
    )
    return [Target(d, size, urls[d], orgs, seconds[d]) for d in databases]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(url: str, workdir: Path) -> dict[str, str]:
    """The environment of a benchmark server on this database (no jobs, no demo data)."""
    return {
        **os.environ,
        "WEERBAAR_DATABASE_URL": url,
        "WEERBAAR_DATA_DIR": str(workdir / "var"),
        "WEERBAAR_SECRET_KEY": SECRET,
        "WEERBAAR_RUN_JOBS_IN_PROCESS": "false",
        "WEERBAAR_CREATE_DEMO": "false",
    }


@contextmanager
def running(process: subprocess.Popen[bytes], base: str) -> Iterator[str]:
    """Wait until the started server answers /healthz; stop it when the block ends."""
    try:
        deadline = time.monotonic() + 60
        while True:
            with suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def server(url: str, workdir: Path) -> Iterator[str]:
    """The real server (uvicorn, one process) on this database; yields its base URL."""
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "api.main:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    process = subprocess.Popen(cmd, cwd=ROOT, env=server_env(url, workdir))
    with running(process, f"http://127.0.0.1:{port}") as base:
        yield base


# --- measuring -------------------------------------------------------------------------------


def percentile(values: list[float], p: int) -> float:
    """The p-th percentile (inclusive method), in the values' unit."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def _get(client: httpx.Client, url: str) -> tuple[float, dict[str, Any]]:
    began = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - began
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code} {response.text[:500]}")
    body: dict[str, Any] = response.json()
    return elapsed * 1000, body


def walk(client: httpx.Client, pages: int) -> tuple[str, float]:
    """Follow `next` from the first page to page `pages`; its URL and the walk's total ms."""
    url, total = "/api/v1/incidents", 0.0
    for page in range(1, pages + 1):
        elapsed, body = _get(client, url)
        total += elapsed
        if page < pages:
            if not body["next"]:
                raise RuntimeError(f"the list ended after {page} pages")
            url = body["next"]
    return url, total


def query_urls(target: Target) -> dict[str, str]:
    """The URL of each measured query on this target."""
    year = (datetime.now(UTC) - timedelta(days=548)).year
    return {
        "first": "/api/v1/incidents",
        "deep": target.deep_url,
        "text": f"/api/v1/incidents?status=in_progress&q={SEARCH_WORD}",
        "behaviour": "/api/v1/incidents?behaviour=doxxing",
        "reference": f"/api/v1/incidents?q=DA-{year}-0042",
    }


def measure(targets: list[Target], repeat: int) -> None:
    """Round-robin over targets and queries: `repeat` timed requests each (fewer for `reference`)."""
    clients = {t.label: httpx.Client(base_url=t.base, headers=t.headers, timeout=300) for t in targets}
    try:
        for t in targets:
            t.deep_url, _ = walk(clients[t.label], PAGES_DEEP)
            t.times = {q: [] for q in QUERIES}
        walks = max(5, repeat // 10)
        for _ in range(walks):
            for t in targets:
                t.walks.append(walk(clients[t.label], PAGES_DEEP)[1])
        runs = {q: min(repeat, SLOW_QUERY_RUNS) if q == "reference" else repeat for q in QUERIES}
        for round_ in range(-WARM_UP, repeat):
            for t in targets:
                urls = query_urls(t)
                for query in QUERIES:
                    if round_ >= runs[query]:
                        continue
                    elapsed, body = _get(clients[t.label], urls[query])
                    if round_ >= 0:
                        t.times[query].append(elapsed)
                        t.items[query] = len(body["items"])
    finally:
        for client in clients.values():
            client.close()


def explain(target: Target) -> dict[str, str]:
    """The plan of each query's SQL as the service builds it (EXPLAIN ANALYZE on PostgreSQL)."""
    engine = make_engine(target.url)
    captured: list[tuple[str, Any]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _capture(_c: Any, _cur: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        captured.append((statement, parameters))

    tenant = target.orgs[0].tenant
    actor = Actor(
        kind="user",
        organisation_id=tenant.organisation_id,
        label="bench",
        user_id=tenant["case_handler"].user_id,
        roles=frozenset({Role.case_handler}),
    )
    plans: dict[str, str] = {}
    for name, url in query_urls(target).items():
        query = parse_qs(urlsplit(url).query)
        filters = incidents.IncidentFilter(
            status=[Status(s) for s in query["status"]] if "status" in query else None,
            behaviour=query.get("behaviour"),
            q=query["q"][0] if "q" in query else None,
        )
        cursor = query["cursor"][0] if "cursor" in query else None
        captured.clear()
        with Session(engine) as session:
            incidents.list_page(session, actor=actor, filters=filters, cursor=cursor, limit=25)
        statement, parameters = next((s, p) for s, p in captured if "FROM incident" in s)
        sqlite = target.database == "sqlite"
        prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
        plans[name] = "\n".join(f"{r[0]:>3} {r[1]:>3} {r[3]}" if sqlite else r[0] for r in rows)
    engine.dispose()
    return plans


# --- reporting -------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = "unknown"
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with suppress(OSError, IndexError):
        kb = int(re.findall(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[0])
        ram = f"{kb / 1024 / 1024:.0f} GiB"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "ram": ram,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def _size(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1000}k"


def summary(targets: list[Target]) -> list[dict[str, Any]]:
    """p50/p95 per target and query."""
    return [
        {
            "database": t.database,
            "size": t.size,
            "query": q,
            "p50_ms": round(percentile(t.times[q], 50), 2),
            "p95_ms": round(percentile(t.times[q], 95), 2),
            "runs": len(t.times[q]),
            "items": t.items[q],
        }
        for t in targets
        for q in QUERIES
    ]


def render(targets: list[Target], info: dict[str, str], repeat: int) -> str:
    """The results block of bench/README.md (markdown)."""
    rows = summary(targets)
    lines = [
        RESULTS_START,
        f"Measured {info['date']} on {info['cpus']} vCPUs ({info['cpu']}), {info['ram']} RAM, "
        f"{info['os']}; Python {info['python']}, SQLite {info['sqlite']}, "
        f"PostgreSQL {info.get('postgresql', 'not available')}; load average {info['load']} at the "
        f"start, {info.get('load_end', '?')} at the end (a shared machine). {repeat} timed requests per "
        f"query and target ({SLOW_QUERY_RUNS} of the reference search) after {WARM_UP} warm-up rounds, "
        "round-robin over all targets; milliseconds on the client (httpx over loopback to uvicorn), "
        "25 items per page.",
        "",
    ]
    verdicts: list[tuple[str, str, float]] = []
    for database in dict.fromkeys(t.database for t in targets):
        mine = [t for t in targets if t.database == database]
        sizes = [t.size for t in mine]
        small, large = _size(sizes[0]), _size(sizes[-1])
        title = "SQLite" if database == "sqlite" else "PostgreSQL"
        lines += [f"#### {title}", ""]
        lines.append(
            "| query | "
            + " | ".join(f"{_size(s)} p50 | {_size(s)} p95" for s in sizes)
            + f" | p95 {large} / {small} |"
        )
        lines.append("|---" * (2 + 2 * len(sizes)) + "|")
        for query in QUERIES:
            cells = {r["size"]: r for r in rows if r["database"] == database and r["query"] == query}
            text_cells = " | ".join(f"{cells[s]['p50_ms']:.1f} | {cells[s]['p95_ms']:.1f}" for s in sizes)
            ratio = cells[sizes[-1]]["p95_ms"] / cells[sizes[0]]["p95_ms"]
            if query in GOAL_QUERIES:
                verdicts.append((title, QUERY_LABELS[query], ratio))
            lines.append(f"| {QUERY_LABELS[query]} | {text_cells} | {ratio:.2f}x |")
        walk_p50 = [percentile(t.walks, 50) for t in mine]
        walk_cells = " | ".join(f"{w:.0f} | " for w in walk_p50)
        lines.append(
            f"| whole walk to page {PAGES_DEEP} ({PAGES_DEEP} requests; median of {len(mine[0].walks)}) "
            f"| {walk_cells} {walk_p50[-1] / walk_p50[0]:.2f}x (median) |"
        )
        seeding = ", ".join(f"{_size(t.size)} in {t.seed_seconds:.0f} s" for t in mine)
        lines += ["", f"Loading (bulk, excluding data generation): {seeding}.", ""]
    missed = [f"{t} {q} ({r:.2f}x)" for t, q, r in verdicts if r > 2]
    if missed:
        lines.append(f"**Goal missed** for: {'; '.join(missed)}.")
    else:
        worst = max(verdicts, key=lambda v: v[2])
        lines.append(
            "**Goal met** for the first page, page 100, the text query and the behaviour filter: every "
            f"p95 at {_size(targets[-1].size)} is within 2x of the p95 at {_size(targets[0].size)} "
            f"(the largest ratio: {worst[0]}, {worst[1]}, {worst[2]:.2f}x)."
        )
    lines.append(RESULTS_END)
    return "\n".join(lines)


def write_readme(block: str) -> None:
    """Replace the results block in bench/README.md, leaving every other section alone."""
    content = README.read_text() if README.exists() else ""
    if RESULTS_START in content and RESULTS_END in content:
        before, rest = content.split(RESULTS_START, 1)
        after = rest.split(RESULTS_END, 1)[1]
        content = before + block + after
    else:
        content = content.rstrip() + "\n\n" + block + "\n"
    README.write_text(content)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.incidents_list", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="10k and 100k instead of 10k and 1M")
    parser.add_argument("--sizes", help="comma-separated incident counts (overrides --quick)")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=100, help="timed requests per query and target")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument("--readme", action="store_true", help="write the results into bench/README.md")
    parser.add_argument("--json", type=Path, default=ROOT / "var" / "bench" / "incidents_list.json")
    args = parser.parse_args(argv)
    sizes = (
        sorted(int(s) for s in args.sizes.split(","))
        if args.sizes
        else list(QUICK_SIZES if args.quick else FULL_SIZES)
    )
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    info = machine()
    with (
        tempfile.TemporaryDirectory(prefix="weerbaar-bench-") as tmp,
        postgres_server() as pg_admin,
        ExitStack() as stack,
    ):
        workdir = Path(tmp)
        if "postgresql" in databases:
            if pg_admin is None:
                print("PostgreSQL: no server (set WEERBAAR_TEST_POSTGRES_URL or install postgresql); skipped")
                databases.remove("postgresql")
            else:
                engine = create_engine(pg_admin)
                with engine.connect() as conn:
                    info["postgresql"] = str(conn.execute(text("SHOW server_version")).scalar()).split()[0]
                engine.dispose()
        targets: list[Target] = []
        for size in sizes:
            print(f"{_size(size)}: seeding {', '.join(databases)} ...", flush=True)
            targets += seed(size, databases, workdir, pg_admin)
        targets.sort(key=lambda t: (databases.index(t.database), t.size))
        for t in targets:
            t.base = stack.enter_context(server(t.url, workdir))
        print(f"measuring {len(targets)} targets ...", flush=True)
        measure(targets, args.repeat)
        info["load_end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
        plans = {t.label: explain(t) for t in targets} if args.explain else {}
    for row in summary(targets):
        print(
            f"  {row['database']:<10} {_size(row['size']):>4} {row['query']:<10} p50 {row['p50_ms']:8.2f} ms"
            f"  p95 {row['p95_ms']:8.2f} ms  ({row['items']} items, {row['runs']} runs)"
        )
    for label, found in plans.items():
        for name, plan in found.items():
            print(f"--- {label}: {name}\n" + "\n".join(f"    {line}" for line in plan.splitlines()))
    block = render(targets, info, args.repeat)
    print()
    print(block)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "machine": info,
                "results": summary(targets),
                "walks_ms": {t.label: t.walks for t in targets},
                "plans": plans,
            },
            indent=2,
        )
    )
    if args.readme:
        write_readme(block)
        print(f"\nwritten to {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
