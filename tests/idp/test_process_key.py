"""IdPs made at once in parallel threads (`verify-docs -n 4`) share one process key: each
accepts its own bootstrap token. Run in a fresh interpreter, where no key exists yet."""

from __future__ import annotations

import subprocess
import sys

_SCRIPT = """
import threading
import httpx
from fixtures.idp import IdP

start = threading.Barrier(8)
statuses = []

def one():
    start.wait()
    idp = IdP()
    with httpx.Client(transport=idp.transport) as client:
        answer = client.get("http://localhost:3000/api/v1/agents",
                            headers={"Authorization": f"Bearer {idp.bootstrap_token}"})
    statuses.append(answer.status_code)

threads = [threading.Thread(target=one) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(sorted(statuses))
"""


def test_idps_made_in_parallel_accept_their_own_bootstrap_tokens() -> None:
    done = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == str([200] * 8), done.stdout + done.stderr
