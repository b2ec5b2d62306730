"""Run the demo: web server, Celery worker and Celery beat together, in the foreground.

`make run` calls this after migrate, collectstatic and load_demo. The three
processes stay in the caller's process group, so Ctrl-C in the terminal (or a
signal to the whole group) reaches each of them; this supervisor also stops the
others when one exits, so a crashed worker never leaves a half-running demo.

    python -m blueprint.devserver          # HOST / PORT override 127.0.0.1:8000
"""
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEMO_USERS = ("hr", "editor", "approver", "hiring", "interviewer1", "interviewer2", "manager", "admin")
DEMO_PASSWORD = "demo"
STOP_GRACE_SECONDS = 10


def commands(host: str, port: str) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "web": [python, "manage.py", "runserver", f"{host}:{port}"],
        "worker": [python, "-m", "celery", "-A", "blueprint", "worker", "-l", "info", "--concurrency", "2"],
        "beat": [python, "-m", "celery", "-A", "blueprint", "beat", "-l", "info"],
    }


def pump(name: str, stream, lock: threading.Lock, after_ready: str = "") -> None:
    """Copy a child's output to ours, each line prefixed with the child's name.

    `after_ready` is printed once, after the line where runserver says it is
    listening, so the address and logins are not lost above the start-up logs.
    """
    for line in iter(stream.readline, ""):
        with lock:
            sys.stdout.write(f"{name:<6} | {line}")
            if after_ready and line.startswith("Quit the server with"):
                sys.stdout.write(after_ready)
                after_ready = ""
            sys.stdout.flush()
    stream.close()


def banner(url: str) -> str:
    logins = ", ".join(DEMO_USERS)
    return (
        "\n"
        f"  Blueprint portal: {url}\n"
        f"  Demo logins (password '{DEMO_PASSWORD}'): {logins}\n"
        "  Web server, Celery worker and Celery beat are running. Ctrl-C stops all three.\n"
        "\n"
    )


def stop(children: dict[str, subprocess.Popen], settle: float) -> None:
    """Give the children `settle` seconds to end on their own, SIGTERM the rest, then kill stragglers.

    On Ctrl-C the terminal has already sent SIGINT to every child, and a second
    Ctrl-C would make Celery abandon running tasks (cold shutdown): hence the
    wait before SIGTERM, which covers a SIGINT sent to this process alone.
    """
    deadline = time.monotonic() + settle
    while time.monotonic() < deadline and any(child.poll() is None for child in children.values()):
        time.sleep(0.1)
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.setdefault("DEBUG", "1")
    lock = threading.Lock()
    children: dict[str, subprocess.Popen] = {}
    pumps: list[threading.Thread] = []
    stopping = threading.Event()
    received: list[int] = []

    def on_signal(signum, frame):
        received.append(signum)
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    for name, argv in commands(host, port).items():
        children[name] = subprocess.Popen(argv, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE,
                                          stderr=subprocess.STDOUT, text=True, errors="replace", bufsize=1)
        after_ready = banner(f"http://{host}:{port}/") if name == "web" else ""
        pumps.append(threading.Thread(target=pump, args=(name, children[name].stdout, lock, after_ready), daemon=True))
        pumps[-1].start()

    exit_code = 0
    while not stopping.is_set():
        ended = [name for name, child in children.items() if child.poll() is not None]
        if ended:
            code = children[ended[0]].returncode
            exit_code = 128 - code if code < 0 else code  # killed by a signal: the shell's convention
            with lock:
                print(f"\n{ended[0]} exited with code {code}; stopping the others.", flush=True)
            break
        stopping.wait(0.5)

    stop(children, settle=STOP_GRACE_SECONDS if received and received[0] == signal.SIGINT else 0.0)
    for thread in pumps:
        thread.join(timeout=2)
    with lock:
        print("Stopped web, worker and beat.", flush=True)
    # A child that ended by itself is a failure even with status 0: the demo is meant to keep running.
    return exit_code or (0 if received else 1)


if __name__ == "__main__":
    sys.exit(main())
