"""After a guide on a shared target: decommission every agent it created and left active."""

from __future__ import annotations

import re
from typing import Any

import httpx

from runner.result import Cleanup
from runner.target import DOCUMENTED_BASE_URL, Session

__all__ = ["AgentLedger"]

_AGENTS = re.compile(r"/agents/?$")
_AGENT = re.compile(r"/agents/([0-9a-fA-F-]{36})/?$")


class AgentLedger:
    """Which agents a guide created, and which of those it decommissioned itself."""

    def __init__(self) -> None:
        self._created: dict[str, None] = {}
        self._gone: set[str] = set()

    def observe(self, method: str, path: str, status: int, body: Any) -> None:
        """Note a registration (201 with an agentId) or a decommission (DELETE answered 2xx)."""
        if method == "POST" and status == 201 and _AGENTS.search(path) and isinstance(body, dict):
            agent_id = body.get("agentId")
            if isinstance(agent_id, str):
                self._created[agent_id] = None
        match = _AGENT.search(path)
        if method == "DELETE" and match and 200 <= status < 300:
            self._gone.add(match.group(1))

    def leftovers(self) -> list[str]:
        """Agents created and still active, in the order they were created."""
        return [agent for agent in self._created if agent not in self._gone]

    def decommission(self, client: httpx.Client, session: Session) -> tuple[Cleanup, ...]:
        """DELETE each leftover with the bootstrap token; a failure is reported, never raised."""
        token = session.variables.get("BOOTSTRAP_TOKEN")
        outcomes = []
        for agent_id in self.leftovers():
            if not token:
                outcomes.append(Cleanup(agent_id, "failed", "no bootstrap token to clean up with"))
                continue
            url = session.rewrite(httpx.URL(f"{DOCUMENTED_BASE_URL}/agents/{agent_id}"))
            try:
                response = client.delete(url, headers={"Authorization": f"Bearer {token}"},
                                         timeout=session.timeout)
            except httpx.HTTPError as exc:
                outcomes.append(Cleanup(agent_id, "failed", type(exc).__name__))
                continue
            # 409: it was already decommissioned (by the guide through another route).
            if response.status_code in (204, 200, 409):
                self._gone.add(agent_id)
                outcomes.append(Cleanup(agent_id, "decommissioned"))
            else:
                outcomes.append(Cleanup(agent_id, "failed", f"DELETE answered "
                                                             f"{response.status_code}"))
        return tuple(outcomes)
