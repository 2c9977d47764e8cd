"""After a guide on a shared target: decommission every agent it created and left active."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from typing import Any

import httpx

from runner.errors import TargetError
from runner.result import Cleanup
from runner.retry import RetryPolicy
from runner.sender import Delivery, Sender
from runner.target import Session

__all__ = ["AgentLedger"]

_AGENTS = re.compile(r"/agents/?$")
_AGENT = re.compile(r"/agents/([0-9a-fA-F-]{36})/?$")
_PAGE = 100
# Enough pages for the free tier's 100 live agents many times over; a bound, not a hope.
_MAX_PAGES = 50
# Statuses that still count as "left behind" (suspended agents hold a seat too).
_LIVE = ("active", "suspended")


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
        """DELETE each leftover with the bootstrap token; a failure is reported, never raised.

        Cleanup requests are retried like safe ones: a second DELETE of an agent changes
        nothing (it answers 409), and a lost answer must not leave an agent behind.
        """
        token = session.variables.get("BOOTSTRAP_TOKEN")
        sender = _Budgeted(client, session.retry.for_cleanup())
        outcomes: list[Cleanup] = []
        if token and session.isolation is not None:
            swept = self._sweep(sender, session, token, f"+{session.isolation.tag}@")
            if swept is not None:
                outcomes.append(swept)
        if not token:
            missing = "no bootstrap token to clean up with"
            return (*outcomes, *(Cleanup(agent, "failed", missing) for agent in self.leftovers()))
        done = {agent_id: self._delete(sender, session, token, agent_id)
                for agent_id in self.leftovers()}
        # A second pass for the ones that failed: a burst of refusals has often passed by now.
        for agent_id, outcome in done.items():
            if outcome.outcome == "failed":
                done[agent_id] = self._delete(sender, session, token, agent_id)
        return (*outcomes, *done.values())

    def _delete(self, sender: _Budgeted, session: Session, token: str, agent_id: str) -> Cleanup:
        url = session.rewrite(httpx.URL(f"{session.documented_base_url}/agents/{agent_id}"))
        request = httpx.Request("DELETE", url, headers={"Authorization": f"Bearer {token}"})
        try:
            response = sender.send(request, timeout=httpx.Timeout(session.timeout),
                                   idempotent=True).response
        except TargetError as exc:
            # The message names the URL and the cause, never the token.
            return Cleanup(agent_id, "failed", exc.message)
        # 409: it was already decommissioned (by the guide, or by a DELETE whose answer was
        # lost); 404: it is not there at all, so it is not left behind either.
        if response.status_code in (200, 204, 404, 409):
            self._gone.add(agent_id)
            return Cleanup(agent_id, "decommissioned")
        return Cleanup(agent_id, "failed", f"DELETE answered {response.status_code}")

    def _sweep(self, sender: _Budgeted, session: Session, token: str, tag: str) -> Cleanup | None:
        """Find live agents registered with this guide's tag whose answer never arrived.

        A registration whose response was lost (dropped connection, timeout) still created
        an agent; only its tagged email can tell us which one. None when the sweep worked.
        """
        for status in _LIVE:
            for page in range(1, _MAX_PAGES + 1):
                url = session.rewrite(httpx.URL(
                    f"{session.documented_base_url}/agents",
                    params={"status": status, "page": page, "limit": _PAGE}))
                request = httpx.Request("GET", url, headers={"Authorization": f"Bearer {token}"})
                try:
                    response = sender.send(request,
                                           timeout=httpx.Timeout(session.timeout)).response
                except TargetError as exc:
                    return Cleanup(None, "failed", f"cannot list agents to find ones tagged "
                                                 f"{tag.strip('+@')}: {exc.message}")
                data = _page(response)
                if data is None:
                    return Cleanup(None, "failed", f"cannot list agents to find ones tagged "
                                                 f"{tag.strip('+@')}: GET answered "
                                                 f"{response.status_code}")
                for agent in data:
                    email, agent_id = agent.get("email"), agent.get("agentId")
                    if (isinstance(email, str) and tag in email and isinstance(agent_id, str)
                            and agent.get("status") != "decommissioned"):
                        self._created.setdefault(agent_id, None)
                        self._gone.discard(agent_id)
                if len(data) < _PAGE:
                    break
        return None


class _Budgeted:
    """Senders sharing one deadline: a guide's whole cleanup takes at most `deadline` seconds.

    Each request may insist through 429 bursts and drops, but a target that never answers
    must not hold the run for a full step deadline per agent.
    """

    def __init__(self, client: httpx.Client, policy: RetryPolicy) -> None:
        self._client = client
        self._policy = policy
        self._ends = time.monotonic() + policy.deadline

    def send(self, request: httpx.Request, *, timeout: httpx.Timeout,
             idempotent: bool = False) -> Delivery:
        """Send within what is left of the budget; TargetError once it is spent."""
        left = self._ends - time.monotonic()
        if left <= 0:
            raise TargetError(f"cleanup gave up on {request.method} {request.url}: its "
                              f"{self._policy.deadline:g} s were spent")
        sender = Sender(self._client, replace(self._policy, deadline=left))
        return sender.send(request, timeout=timeout, idempotent=idempotent)


def _page(response: httpx.Response) -> list[dict[str, Any]] | None:
    """The agents of one list page, or None when the answer is not one."""
    if response.status_code != 200:
        return None
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return None
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        return None
    return [item for item in data if isinstance(item, dict)]
