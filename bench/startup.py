#!/usr/bin/env python3
"""Measure storybot's start-up time: from exec to its stdout line `storybot listening on http://HOST:PORT`.

    startup.py BIN RUNS

Each run gets fresh data and log dirs (first start: creates the SQLite database), a random admin token and
port 0. After the line, storybot is stopped with SIGTERM and must exit 0 within 15 s. Prints one line of
key=value pairs for bench/run.sh: the median, every run's time, and the exit codes.
"""
import os
import secrets
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

LINE = b"storybot listening on http://"
READY_TIMEOUT_S = 30


def one_start(binary):
    tmp = tempfile.mkdtemp(prefix="storybot-start.")
    env = dict(os.environ, STORYBOT_HTTP_PORT="0", STORYBOT_HTTP_HOST="127.0.0.1",
               STORYBOT_DATA_DIR=os.path.join(tmp, "data"), STORYBOT_LOG_DIR=os.path.join(tmp, "logs"),
               STORYBOT_ADMIN_TOKEN=secrets.token_hex(16), STORYBOT_LOG_LEVEL="warn")
    os.makedirs(env["STORYBOT_DATA_DIR"])
    os.makedirs(env["STORYBOT_LOG_DIR"])
    t0 = time.monotonic()
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        buf = b""
        elapsed = None
        deadline = t0 + READY_TIMEOUT_S
        # Read raw chunks with select so a silent or hung binary cannot block us past the deadline.
        while elapsed is None and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 0.05)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                buf += chunk
                if LINE in buf and b"\n" in buf[buf.index(LINE):]:
                    elapsed = time.monotonic() - t0
        if elapsed is None:
            raise RuntimeError(f"no listening line within {READY_TIMEOUT_S}s; stdout: {buf[:300]!r}")
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=15)
        return elapsed, code
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    binary, runs = sys.argv[1], int(sys.argv[2])
    times, codes = [], []
    for _ in range(runs):
        t, code = one_start(binary)
        times.append(t * 1000)
        codes.append(code)
    print(f"startup_median_ms={statistics.median(times):.1f}")
    print("startup_all_ms=" + " ".join(f"{t:.1f}" for t in times))
    print("startup_exit_codes=" + " ".join(str(c) for c in codes))


if __name__ == "__main__":
    main()
