"""Result lines for tests/deploy checks written in Python (same format and channels as lib.sh)."""
import os
import sys


def _report(status, name, detail):
    line = f"{status:<4} {name:<34} {detail}"
    results = os.environ.get("RESULTS_FILE")
    if results:
        with open(results, "a", encoding="utf-8") as f:
            f.write(line + "\n")
    try:
        os.write(3, (line + "\n").encode())
        print("== " + line, flush=True)
    except OSError:
        print(line, flush=True)


def passed(name, detail=""):
    _report("PASS", name, detail)


def failed(name, detail=""):
    _report("FAIL", name, detail)


def skipped(name, detail=""):
    _report("SKIP", name, detail)


def missing(name, tool, package):
    """A tool the check needs is not installed: a FAIL, since `make test` installs it (Makefile APT_TEST)."""
    failed(name, f"{tool} not installed: apt-get install {package} (Makefile APT_TEST lists it; make test installs it)")


REPO = os.environ.get("REPO") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEPLOY = os.path.join(REPO, "deploy")
sys.dont_write_bytecode = True
