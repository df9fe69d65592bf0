"""Paired before/after for issue 14: another commit's generator against this tree's, in the same rounds.

The other generator is exported (``git archive REV generator templates``) into a temporary folder and run as
``python -P -m generator`` with ``PYTHONPATH`` pointing at it (this tree's: at the repository), from the
repository root, so both read the same ``tests/`` markers. Each round, order alternated: cold generation at
1x (empty output folder and cache), one file changed at 1x and 10x (bench_speed.py's edit and 10x model, each
version with its own kept folder and cache), ``nmsgen diff spec-ts24282_mcdata8 spec`` with files on an empty
cache and on a warm one, ``--no-files`` on a warm one, both again on the warm cache without its kept answers
(``diff`` entries, moved aside untimed), and the import floor. Timed by bench_generate.py's
wrapper (wall; CPU of the process and its children). The first cold outputs of both are compared byte for byte.

    .venv/bin/python benchmarks/bench_before_after.py 6894e7b --rounds 3
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_speed as bs
from bench_generate import REPO, load_average


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("before", help="the commit to compare with (its generator/ and templates/)")
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="nmsgen-ab-") as tmp:
        w = Path(tmp)
        old = w / "old"
        old.mkdir()
        archive = subprocess.run(
            ["git", "archive", a.before, "generator", "templates"], cwd=REPO, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
        versions = {"before": str(old), "after": str(REPO)}
        py = sys.executable

        def cmd(*args: str) -> list[str]:
            return [py, "-P", "-m", "generator", *args]

        def env(v: str, cache: Path) -> dict[str, str]:
            return {"PYTHONPATH": versions[v], "NMSGEN_CACHE_DIR": str(cache)}

        spec1 = shutil.copytree(REPO / "spec", w / "spec1")
        m10 = bs.scaled_model(10, w / "m10")
        res: dict[str, list[tuple[float, float, float]]] = {}

        def rec(name: str, sample: tuple[float, float, float]) -> None:
            res.setdefault(name, []).append(sample)
            print(f"{name:<32} {sample[0]:7.3f} s  CPU {sample[1]:6.2f} s", file=sys.stderr, flush=True)

        diff = ["diff", "spec-ts24282_mcdata8", "spec", "--format", "json"]
        for v in versions:  # untimed: the kept folders and warm caches
            for s, sp in (("1", spec1), ("10", m10)):
                bs.timed(
                    cmd("generate", "-q", "--spec", str(sp), "--out", str(w / f"kept-{v}-{s}")),
                    env(v, w / f"c-{v}-{s}"),
                )
            bs.timed(cmd(*diff), env(v, w / f"dcache-{v}"))
            bs.timed(cmd(*diff, "--no-files"), env(v, w / f"dcache-{v}"))
        start_load = load_average()
        for i in range(a.rounds):
            order = list(versions) if i % 2 == 0 else list(versions)[::-1]
            for v in order:
                out = w / f"cold-{v}-{i}"
                rec(
                    f"{v}: cold 1x",
                    bs.timed(
                        cmd("generate", "-q", "--spec", str(spec1), "--out", str(out / "out")), env(v, out / "cache")
                    ),
                )
                if i == 0:
                    shutil.copytree(out / "out", w / f"first-{v}")
                shutil.rmtree(out)
            for s, sp, f in (("1", spec1, spec1 / "resources" / "objects.yaml"), ("10", m10, m10 / "replica-005.yaml")):
                for v in order:
                    bs.edit_one_file(f, time.time_ns())
                    rec(
                        f"{v}: one file changed {s}x",
                        bs.timed(
                            cmd("generate", "-q", "--spec", str(sp), "--out", str(w / f"kept-{v}-{s}")),
                            env(v, w / f"c-{v}-{s}"),
                        ),
                    )
            for v in order:
                rec(f"{v}: diff, files, cold cache", bs.timed(cmd(*diff), env(v, w / f"dc-{v}-{i}")))
                rec(f"{v}: diff, files, warm cache", bs.timed(cmd(*diff), env(v, w / f"dcache-{v}")))
                rec(f"{v}: diff --no-files, warm cache", bs.timed(cmd(*diff, "--no-files"), env(v, w / f"dcache-{v}")))
                # the same two without the kept answers (moved aside untimed, back after): the sides' caches only
                kept, aside = w / f"dcache-{v}" / "diff", w / f"dcache-{v}" / "diff-aside"
                if kept.exists():
                    kept.rename(aside)
                rec(f"{v}: diff, files, no kept answer", bs.timed(cmd(*diff), env(v, w / f"dcache-{v}")))
                shutil.rmtree(kept, ignore_errors=True)
                rec(
                    f"{v}: diff --no-files, no kept answer",
                    bs.timed(cmd(*diff, "--no-files"), env(v, w / f"dcache-{v}")),
                )
                shutil.rmtree(kept, ignore_errors=True)
                if aside.exists():
                    aside.rename(kept)
            rec("import floor", bs.timed([py, "-c", "import click, jinja2, yaml"]))
        cmp = subprocess.run(
            ["diff", "-rq", "first-before", "first-after"], cwd=w, capture_output=True, text=True, check=False
        )
        print(f"load average: start {start_load}, end {load_average()}")
        print(f"cold outputs that differ (the manifest records the generator's source): {cmp.stdout.strip() or 'none'}")
        print("| what | median s | min s | max s | CPU s (median) |\n|---|---:|---:|---:|---:|")
        for name, ss in sorted(res.items(), key=lambda kv: (kv[0].split(": ")[-1], kv[0])):
            wall, cpu = [s[0] for s in ss], [s[1] for s in ss]
            print(
                f"| {name} | {statistics.median(wall):.2f} | {min(wall):.2f} | {max(wall):.2f} "
                f"| {statistics.median(cpu):.2f} |"
            )


if __name__ == "__main__":
    main()
