"""After a guide on a shared target: decommission every agent it created and left active."""

from __future__ import annotations

import re
from typing import Any

import httpx

from runner.result import Cleanup
from runner.target import Session

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
        if token and session.isolation is not None:
            self._sweep(client, session, token, f"+{session.isolation.tag}@")
        outcomes = []
        for agent_id in self.leftovers():
            if not token:
                outcomes.append(Cleanup(agent_id, "failed", "no bootstrap token to clean up with"))
                continue
            url = session.rewrite(httpx.URL(f"{session.documented_base_url}/agents/{agent_id}"))
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

    def _sweep(self, client: httpx.Client, session: Session, token: str, tag: str) -> None:
        """Find agents registered with this guide's tag whose answer never arrived.

        A registration whose response was lost (dropped connection, timeout) still created
        an agent; only its tagged email can tell us which one.
        """
        page = 1
        while page <= 50:
            url = session.rewrite(httpx.URL(f"{session.documented_base_url}/agents",
                                            params={"page": page, "limit": 100}))
            try:
                response = client.get(url, headers={"Authorization": f"Bearer {token}"},
                                      timeout=session.timeout)
                data = response.json().get("data", []) if response.status_code == 200 else []
            except (httpx.HTTPError, ValueError, AttributeError):
                return
            for agent in data:
                if (isinstance(agent, dict) and tag in str(agent.get("email", ""))
                        and agent.get("status") != "decommissioned"):
                    self._created.setdefault(str(agent.get("agentId")), None)
            if len(data) < 100:
                return
            page += 1
