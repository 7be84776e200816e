"""`make lab` end to end: JupyterLab starts as `make lab` starts it, a course notebook gets a kernel that imports
utils, runs its first cells and a public test, and everything stops, leaving no process behind.

It talks to the server as JupyterLab's page does, through the REST API and the kernel's websocket (no browser:
none is installable from the package registries this course relies on, and the server's APIs are what the page
itself uses).
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import nbformat
import pytest

from tests.processes import processes_with
from utils.core.lab import lab_command, lab_environment
from utils.core.paths import REPO_ROOT

NOTEBOOK = "week1/Convolution_model_Step_by_Step.ipynb"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """The learner's JupyterLab on a free port, with a token, its log in a file."""

    def __init__(self, log_path, mark):
        self.port, self.token = free_port(), uuid.uuid4().hex
        arguments = ["--no-browser", f"--port={self.port}", "--ip=127.0.0.1", f"--ServerApp.token={self.token}"]
        environment = dict(lab_environment(os.environ), TEST_LAB_MARK=mark, CNN_COURSE_MODE="quick")
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            lab_command(arguments), cwd=REPO_ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT
        )

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}{'&' if '?' in path else '?'}token={self.token}"

    def request(self, path, method="GET", body=None):
        data = None if body is None else json.dumps(body).encode()
        with urllib.request.urlopen(urllib.request.Request(self.url(path), data, method=method), timeout=30) as reply:
            text = reply.read().decode()
        return json.loads(text) if text and reply.headers.get_content_type() == "application/json" else text

    def wait_until_up(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"JupyterLab exited with {self.process.returncode} before it was up")
            try:
                return self.request("/api/status")
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"JupyterLab did not answer within {timeout} s")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
        self.log.close()


def execute(socket_, code, session):
    """Run ``code`` in the kernel behind ``socket_``; return its reply status and its printed text."""
    msg_id = uuid.uuid4().hex
    header = {"msg_id": msg_id, "msg_type": "execute_request", "session": session, "username": "test",
              "version": "5.3", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}  # fmt: skip
    content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
               "allow_stdin": False, "stop_on_error": True}  # fmt: skip
    socket_.send(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                             "channel": "shell", "buffers": []}))  # fmt: skip
    text, status, idle = [], None, False
    while status is None or not idle:
        message = json.loads(socket_.recv())
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = message["header"]["msg_type"]
        if kind == "stream":
            text.append(message["content"]["text"])
        elif kind == "error":
            text.append(f"{message['content']['ename']}: {message['content']['evalue']}")
        elif kind == "execute_reply":
            status = message["content"]["status"]
        elif kind == "status" and message["content"]["execution_state"] == "idle":
            idle = True
    return status, "".join(text)


def first_cells_through_a_public_test(path):
    """The notebook's code cells from the first through the first that runs a public test."""
    cells = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            cells.append(cell.source)
            if cell.source.startswith("public_tests."):
                return cells
    raise AssertionError(f"{path} runs no public test")


def test_make_lab_opens_a_notebook_whose_kernel_passes_a_public_test(tmp_path):
    import websocket

    mark = f"{tmp_path.name}-{os.getpid()}-lab"
    server = Server(tmp_path / "lab.log", mark)
    try:
        server.wait_until_up()
        page = server.request("/lab")
        assert '"disabledExtensions": ["@jupyter/nbgrader"]' in page.replace("\n", "")
        session = server.request(
            "/api/sessions", "POST", {"path": NOTEBOOK, "type": "notebook", "kernel": {"name": "python3"}}
        )
        kernel = session["kernel"]["id"]
        channel = websocket.create_connection(
            server.url(f"/api/kernels/{kernel}/channels").replace("http://", "ws://"), timeout=120
        )
        try:
            outputs = [execute(channel, code, session["id"]) for code in first_cells_through_a_public_test(
                REPO_ROOT / NOTEBOOK)]  # fmt: skip
        finally:
            channel.close()
        assert all(status == "ok" for status, _ in outputs), outputs
        assert outputs[-1][1] == "All tests passed.\n"
        server.request(f"/api/sessions/{session['id']}", "DELETE")
    finally:
        server.stop()
    log = (tmp_path / "lab.log").read_text()
    assert "Jupyter Server" in log and "nbgrader" not in log.lower(), log[-3000:]
    deadline = time.monotonic() + 30
    while processes_with("TEST_LAB_MARK", mark) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert processes_with("TEST_LAB_MARK", mark) == []


@pytest.mark.parametrize("is_root, flags", [(True, ["--allow-root"]), (False, [])])
def test_allow_root_is_passed_only_to_root(is_root, flags):
    assert lab_command(["--no-browser"], is_root=is_root) == [
        sys.executable,
        "-m",
        "jupyterlab",
        *flags,
        "--no-browser",
    ]


def test_the_learner_configuration_comes_first_and_keeps_the_users():
    environment = lab_environment({"JUPYTER_CONFIG_PATH": "/etc/mine", "HOME": "/home/x"})
    assert environment["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [
        str(REPO_ROOT / "utils" / "core" / "lab_config"),
        "/etc/mine",
    ]
    assert environment["HOME"] == "/home/x"
