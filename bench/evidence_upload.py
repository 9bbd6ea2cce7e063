"""Evidence upload and dossier export of 1 GiB: throughput and the server's peak memory.

The real server runs in a subprocess (uvicorn, one process) on SQLite, once with the filesystem
store and once with the S3 store (moto's server, also a subprocess, on 127.0.0.1). For each:

- ``upload``: one 1 GiB file streamed as multipart/form-data over loopback; throughput is the
  file size over the wall time of the request; the server's peak RSS (VmHWM, reset before each
  phase through /proc/<pid>/clear_refs, else sampled) is compared with its RSS when idle;
- ``dossier``: the dossier ZIP of that 1 GiB of evidence, read and discarded by the client;
  the same memory measure.

Baseline on the same machine: ``sha256sum FILE`` followed by ``cp FILE COPY`` (page cache warm,
as for the upload). Goals (issue 3): upload throughput at least half the baseline's; peak RSS
less than 100 MiB above idle, for the upload and the dossier. Only the Weerbaar process is
measured: moto keeps objects in memory, so its RSS says nothing about Weerbaar.

    python -m bench.evidence_upload              # 1 GiB, both stores
    python -m bench.evidence_upload --size-mib 256 --stores filesystem
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from minio import Minio

from app.db import make_engine
from app.migrate import upgrade
from app.storage import S3_PARALLEL_PARTS, S3_PART_SIZE
from tests.fixtures.factories import SECRET, incident_body, make_tenant

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
CHUNK = MIB
BOUNDARY = "weerbaar-bench-boundary"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        with suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code < 500:
                return
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@contextmanager
def moto_server() -> Iterator[str]:
    """moto's S3 server in a subprocess; yields host:port."""
    port = _free_port()
    exe = Path(sys.executable).with_name("moto_server")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "moto.server"]
    process = subprocess.Popen(
        [*cmd, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait(f"http://127.0.0.1:{port}/", process, "moto server")
        yield f"127.0.0.1:{port}"
    finally:
        _stop(process)


@contextmanager
def server(db_url: str, workdir: Path, extra_env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """The real server on this database and store; yields its base URL and pid."""
    port = _free_port()
    env = {
        **os.environ,
        "WEERBAAR_DATABASE_URL": db_url,
        "WEERBAAR_DATA_DIR": str(workdir / "var"),
        "WEERBAAR_SECRET_KEY": SECRET,
        "WEERBAAR_RUN_JOBS_IN_PROCESS": "false",
        "WEERBAAR_CREATE_DEMO": "false",
        **extra_env,
    }
    cmd = [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    process = subprocess.Popen(cmd, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{base}/healthz", process, "the server")
        yield base, process.pid
    finally:
        _stop(process)


# --- memory ----------------------------------------------------------------------------------


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


class PeakRss:
    """The peak RSS of a process during a block: VmHWM after a reset, and sampled as a check."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.sampled = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.reset_ok = False

    def _sample(self) -> None:
        while not self.stop.is_set():
            with suppress(OSError, LookupError):
                self.sampled = max(self.sampled, _status_kib(self.pid, "VmRSS"))
            self.stop.wait(0.02)

    def __enter__(self) -> PeakRss:
        try:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")
            self.reset_ok = True
        except OSError:
            self.reset_ok = False
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    @property
    def peak_kib(self) -> int:
        """VmHWM when it could be reset, else the sampled maximum."""
        hwm = _status_kib(self.pid, "VmHWM") if self.reset_ok else 0
        return max(hwm, self.sampled)


# --- the workload ----------------------------------------------------------------------------


def make_file(path: Path, size: int) -> None:
    """An MP4 header followed by random bytes (incompressible, like video)."""
    with path.open("wb") as out:
        header = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
        out.write(header)
        written = len(header)
        while written < size:
            piece = os.urandom(min(16 * MIB, size - written))
            out.write(piece)
            written += len(piece)


def baseline(path: Path, workdir: Path) -> dict[str, float]:
    """sha256sum then cp of the same file, timed."""
    started = time.perf_counter()
    digest = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True)
    hashed = time.perf_counter()
    subprocess.run(["cp", str(path), str(workdir / "copy.bin")], check=True)
    copied = time.perf_counter()
    (workdir / "copy.bin").unlink()
    size = path.stat().st_size
    return {
        "sha256": digest.stdout.split()[0],  # type: ignore[dict-item]
        "sha256sum_s": hashed - started,
        "cp_s": copied - hashed,
        "total_s": copied - started,
        "mib_per_s": size / MIB / (copied - started),
    }


def multipart(path: Path) -> tuple[Iterator[bytes], int]:
    """The multipart body as a stream of chunks, and its length."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nvideo\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    size = path.stat().st_size

    def chunks() -> Iterator[bytes]:
        yield head
        with path.open("rb") as source:
            while data := source.read(CHUNK):
                yield data
        yield tail

    return chunks(), len(head) + size + len(tail)


def run_store(
    store: str, db_url: str, workdir: Path, path: Path, token: str, incident_id: str, env: dict[str, str]
) -> dict[str, Any]:
    """Upload and dossier against one store."""
    result: dict[str, Any] = {"store": store}
    headers = {"Authorization": f"Bearer {token}"}
    with server(db_url, workdir, env) as (base, pid), httpx.Client(base_url=base, timeout=600) as client:
        client.get(f"/api/v1/incidents/{incident_id}/evidence", headers=headers).raise_for_status()
        time.sleep(0.5)
        idle = _status_kib(pid, "VmRSS")
        body, length = multipart(path)
        with PeakRss(pid) as peak:
            started = time.perf_counter()
            response = client.post(
                f"/api/v1/incidents/{incident_id}/evidence",
                content=body,
                headers={
                    **headers,
                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                    "Content-Length": str(length),
                },
            )
            elapsed = time.perf_counter() - started
        response.raise_for_status()
        item = response.json()
        size = path.stat().st_size
        result["upload"] = {
            "status": response.status_code,
            "seconds": elapsed,
            "mib_per_s": size / MIB / elapsed,
            "idle_rss_mib": idle / 1024,
            "peak_rss_mib": peak.peak_kib / 1024,
            "peak_over_idle_mib": (peak.peak_kib - idle) / 1024,
            "peak_method": "VmHWM after clear_refs" if peak.reset_ok else "sampled VmRSS",
            "sha256": item["sha256"],
        }
        idle = _status_kib(pid, "VmRSS")
        digest = hashlib.sha256()
        received = 0
        with PeakRss(pid) as peak:
            started = time.perf_counter()
            with client.stream("GET", f"/api/v1/incidents/{incident_id}/dossier", headers=headers) as dossier:
                dossier.raise_for_status()
                for chunk in dossier.iter_bytes(CHUNK):
                    digest.update(chunk)
                    received += len(chunk)
            elapsed = time.perf_counter() - started
        result["dossier"] = {
            "bytes": received,
            "seconds": elapsed,
            "mib_per_s": received / MIB / elapsed,
            "idle_rss_mib": idle / 1024,
            "peak_rss_mib": peak.peak_kib / 1024,
            "peak_over_idle_mib": (peak.peak_kib - idle) / 1024,
        }
        # The next store starts from an incident without this file.
        result["evidence_id"] = item["id"]
    return result


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = "unknown"
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return {
        "nproc": os.cpu_count(),
        "ram_gib": round(ram, 1),
        "cpu": model,
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def main() -> None:
    """Run the benchmark and print the results as JSON and as a Markdown table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--stores", default="filesystem,s3")
    args = parser.parse_args()
    size = args.size_mib * MIB
    results: dict[str, Any] = {"machine": machine(), "size_mib": args.size_mib, "runs": []}
    with tempfile.TemporaryDirectory(prefix="weerbaar-bench-evidence-") as tmp:
        workdir = Path(tmp)
        path = workdir / "evidence.mp4"
        make_file(path, size)
        results["baseline"] = baseline(path, workdir)
        for store in args.stores.split(","):
            run_dir = workdir / store
            run_dir.mkdir()
            db_url = f"sqlite:///{run_dir / 'weerbaar.sqlite3'}"
            upgrade(db_url)
            engine = make_engine(db_url)
            tenant = make_tenant(engine, slug="bench", roles=("case_handler",))
            engine.dispose()
            token = tenant["case_handler"].token
            env: dict[str, str] = {"WEERBAAR_MAX_EVIDENCE_BYTES": str(2 * size)}
            with contextmanager_for(store) as s3_endpoint:
                if s3_endpoint:
                    env |= {
                        "WEERBAAR_STORAGE_BACKEND": "s3",
                        "WEERBAAR_S3_ENDPOINT": s3_endpoint,
                        "WEERBAAR_S3_ACCESS_KEY": "bench",
                        "WEERBAAR_S3_SECRET_KEY": "bench-secret",
                        "WEERBAAR_S3_SECURE": "false",
                        "WEERBAAR_S3_BUCKET": "bench-evidence",
                    }
                    direct = s3_direct(s3_endpoint, path)
                with server(db_url, run_dir, env) as (base, _pid):
                    incident = httpx.post(
                        f"{base}/api/v1/incidents",
                        json=incident_body(title="Benchmark"),
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    incident.raise_for_status()
                    incident_id = incident.json()["id"]
                run = run_store(store, db_url, run_dir, path, token, incident_id, env)
                if s3_endpoint:
                    run["s3_direct_mib_per_s"] = direct
                run["upload"]["sha256_matches"] = run["upload"]["sha256"] == results["baseline"]["sha256"]
                results["runs"].append(run)
            shutil.rmtree(run_dir / "var", ignore_errors=True)
    print(json.dumps(results, indent=2))
    print(markdown(results))


def s3_direct(endpoint: str, path: Path) -> float:
    """The S3 server's own ceiling: the file put straight from this process, as the store does."""
    client = Minio(endpoint, access_key="bench", secret_key="bench-secret", secure=False)
    client.make_bucket("bench-direct")
    started = time.perf_counter()
    with path.open("rb") as source:
        client.put_object(
            "bench-direct",
            "direct",
            source,
            length=-1,
            part_size=S3_PART_SIZE,
            num_parallel_uploads=S3_PARALLEL_PARTS,
        )
    elapsed = time.perf_counter() - started
    client.remove_object("bench-direct", "direct")  # moto keeps objects in memory
    return path.stat().st_size / MIB / elapsed


@contextmanager
def contextmanager_for(store: str) -> Iterator[str | None]:
    """moto's server for the S3 store, nothing for the filesystem."""
    if store == "s3":
        with moto_server() as endpoint:
            yield endpoint
    else:
        yield None


def markdown(results: dict[str, Any]) -> str:
    """The results as the README's table."""
    m, b = results["machine"], results["baseline"]
    lines = [
        f"Measured {m['date']} on {m['nproc']} CPUs ({m['cpu']}), {m['ram_gib']} GiB RAM, "
        f"Python {m['python']}; load average at start {m['load_average']} (shared machine); "
        f"file of {results['size_mib']} MiB.",
        "",
        f"Baseline `sha256sum` + `cp`: {b['total_s']:.2f} s ({b['sha256sum_s']:.2f} + {b['cp_s']:.2f}), "
        f"{b['mib_per_s']:.0f} MiB/s; goal for the upload: at least {b['mib_per_s'] / 2:.0f} MiB/s.",
        "",
        "| store | upload MiB/s | upload s | vs baseline | idle RSS MiB | upload peak over idle MiB "
        "| dossier MiB/s | dossier peak over idle MiB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in results["runs"]:
        u, d = run["upload"], run["dossier"]
        lines.append(
            f"| {run['store']} | {u['mib_per_s']:.0f} | {u['seconds']:.1f} | "
            f"{u['mib_per_s'] / b['mib_per_s']:.2f}x | {u['idle_rss_mib']:.0f} | "
            f"{u['peak_over_idle_mib']:.1f} | {d['mib_per_s']:.0f} | {d['peak_over_idle_mib']:.1f} |"
        )
    for run in results["runs"]:
        if "s3_direct_mib_per_s" in run:
            lines += [
                "",
                f"The S3 server's own ceiling on this machine (the same file put straight into moto "
                f"with the same part size and parallelism, no Weerbaar): "
                f"{run['s3_direct_mib_per_s']:.0f} MiB/s.",
            ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
