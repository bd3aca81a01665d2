"""The demo databases the benchmark reads: built with `partners demo --scale N --seed S` (the command people
run), kept in ``bench-results/db/`` and reused while the scale, the seed and the code that writes them (the
generator, the schema, the loaders, the reference data) stay the same."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.core import RESULTS, ROOT, SRC, child_env

CACHE = RESULTS / "db"
DEFAULT_SEED = 2026

#: What decides a demo database's content besides scale and seed: a change here builds it anew.
_WRITERS = ("partners/demo", "partners/storage/duckdb/migrations", "partners/services/setup.py",
            "partners/services/bulk.py")  # fmt: skip


def fingerprint() -> str:
    """A short hash of the files that write a demo database (and of the reference data in data/)."""
    digest = hashlib.sha256()
    files: list[Path] = []
    for name in _WRITERS:
        path = SRC / name
        files += sorted(path.rglob("*.py")) + sorted(path.rglob("*.sql")) if path.is_dir() else [path]
    files += sorted(p for p in (ROOT / "data").rglob("*") if p.is_file())
    for path in files:
        if path.exists() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def scale_name(scale: float) -> str:
    return f"{scale:g}x"


@dataclass(frozen=True)
class Build:
    """How long `partners demo` took and its peak memory (the child's maximum resident set)."""

    seconds: float
    peak_mb: float
    output: str


def run_demo(path: Path, scale: float, seed: int = DEFAULT_SEED) -> Build:
    """`partners --db PATH demo --scale N --seed S` into a new file, timed, with its peak RSS."""
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "partners.cli",
        "--db",
        str(path),
        "demo",
        "--scale",
        f"{scale:g}",
        "--seed",
        str(seed),
    ]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    output = proc.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"`partners demo --scale {scale:g}` failed ({proc.returncode}): {output[-500:]}")
    return Build(seconds, usage.ru_maxrss / 1024, output.strip())  # ru_maxrss is in KiB on Linux


def demo_db(scale: float, seed: int = DEFAULT_SEED, *, rebuild: bool = False, log=print) -> tuple[Path, Build | None]:
    """The cached demo database for this scale and seed (built when missing or out of date), and the build
    when one ran now. Older builds of the same scale and seed are removed."""
    CACHE.mkdir(parents=True, exist_ok=True)
    stem = f"demo-{scale_name(scale)}-seed{seed}"
    path = CACHE / f"{stem}-{fingerprint()}.duckdb"
    if path.exists() and not rebuild:
        return path, None
    for old in CACHE.glob(f"{stem}-*.duckdb*"):
        old.unlink()
    log(f"building the {scale_name(scale)} demo database (seed {seed}) ...")
    partial = CACHE / "building" / path.name  # moved into place once complete
    build = run_demo(partial, scale, seed)
    for suffix in ("", ".wal"):
        done = partial.with_name(partial.name + suffix)
        if done.exists():
            done.rename(path.with_name(path.name + suffix))
    log(f"  {build.output.splitlines()[-1] if build.output else ''} ({build.seconds:.1f} s, {build.peak_mb:.0f} MB)")
    return path, build


def working_copy(source: Path, folder: Path, name: str) -> Path:
    """A copy of ``source`` that a measurement may change (the cached file stays as built)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    for stale in (target, target.with_name(target.name + ".wal")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    return target
