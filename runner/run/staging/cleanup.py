"""After a guide on a shared target: decommission every agent it created and left active."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx

from runner.model import Cleanup, TargetError
from runner.run.sender import Delivery, Sender
from runner.run.target import Session

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
        self._last: dict[str, str] = {}
        self.lost = 0
        """Registrations that may have created an agent whose id never came back."""

    def observe(self, method: str, path: str, status: int, body: Any) -> None:
        """Note a registration (any 2xx with an agentId to a POST on the agents collection;
        a 5xx there may have been applied) or a decommission (DELETE answered 2xx)."""
        if method == "POST" and _AGENTS.search(path):
            agent_id = body.get("agentId") if isinstance(body, dict) else None
            if 200 <= status < 300 and isinstance(agent_id, str):
                self._created[agent_id] = None
            elif status >= 500 or 200 <= status < 300:
                self.lost += 1  # applied, perhaps, but no id to clean it up by
        match = _AGENT.search(path)
        if method == "DELETE" and match and 200 <= status < 300:
            self._gone.add(match.group(1))

    def unanswered(self, method: str, path: str) -> None:
        """A request whose answer never came (timeout, dropped connection) was maybe applied."""
        if method == "POST" and _AGENTS.search(path):
            self.lost += 1

    def leftovers(self) -> list[str]:
        """Agents created and still active, in the order they were created."""
        return [agent for agent in self._created if agent not in self._gone]

    def decommission(
        self, client: httpx.Client, session: Session, *,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> tuple[Cleanup, ...]:
        """DELETE each leftover with the bootstrap token; a failure is reported, never raised.

        Cleanup requests are retried like safe ones: a second DELETE of an agent changes
        nothing (it answers 409), and a lost answer must not leave an agent behind. All of it
        shares `session.cleanup_budget` seconds; `sleep` and `clock` replace real time.
        """
        tag = session.isolation.tag if session.isolation is not None else ""
        token = session.bootstrap_token.reveal() if session.bootstrap_token else None
        sender = _Budgeted(client, session, sleep=sleep, clock=clock)
        outcomes: list[Cleanup] = []
        if not token:
            missing = "no bootstrap token to clean up with"
            return tuple(Cleanup(agent, "failed", missing, tag) for agent in self.leftovers())
        # Only a registration whose answer was lost needs a search: every other agent the
        # guide created is known by its id.
        if self.lost and session.isolation is not None:
            swept = self._sweep(sender, session, token)
            if swept is not None:
                outcomes.append(swept)
        done = {agent_id: self._delete(sender, session, token, agent_id)
                for agent_id in self.leftovers()}
        # A second pass for the ones that failed: a burst of refusals has often passed by now.
        for agent_id, outcome in done.items():
            if outcome.outcome == "failed" and not sender.stopped:
                done[agent_id] = self._delete(sender, session, token, agent_id)
        return (*outcomes, *(replace(c, tag=tag) for c in done.values()))

    def _delete(self, sender: _Budgeted, session: Session, token: str, agent_id: str) -> Cleanup:
        url = session.rewrite(httpx.URL(f"{session.documented_base_url}/agents/{agent_id}"))
        request = httpx.Request("DELETE", url, headers={"Authorization": f"Bearer {token}"})
        try:
            response = sender.send(request, idempotent=True).response
        except TargetError as exc:
            # The message names the URL and the cause, never the token.
            return Cleanup(agent_id, "failed", exc.message)
        # 409: it was already decommissioned (by the guide, or by a DELETE whose answer was
        # lost); 404: it is not there at all, so it is not left behind either.
        if response.status_code in (200, 204, 404, 409):
            self._gone.add(agent_id)
            return Cleanup(agent_id, "decommissioned")
        return Cleanup(agent_id, "failed", f"DELETE answered {response.status_code}")

    def _sweep(self, sender: _Budgeted, session: Session, token: str) -> Cleanup | None:
        """Find live agents tagged with this guide's run tag whose answer never arrived.

        A registration whose response was lost (dropped connection, timeout) still created
        an agent; only its tagged unique fields (`a+r7f3a-1@x.io`, `team-r7f3a-1`) can tell
        us which one. None when the sweep worked.
        """
        assert session.isolation is not None
        tag, fields = session.isolation.tag, sorted(session.isolation.fields)
        lost = f"(a registration's answer was lost, so agents tagged {tag} may remain)"
        searchable = listed = False
        for status in _LIVE:
            for page in range(1, _MAX_PAGES + 1):
                url = session.rewrite(httpx.URL(
                    f"{session.documented_base_url}/agents",
                    params={"status": status, "page": page, "limit": _PAGE}))
                request = httpx.Request("GET", url, headers={"Authorization": f"Bearer {token}"})
                try:
                    response = sender.send(request).response
                except TargetError as exc:
                    return Cleanup(None, "failed", f"cannot list agents {lost}: {exc.message}",
                                   tag)
                data = _page(response)
                if data is None:
                    return Cleanup(None, "failed", f"cannot list agents {lost}: GET answered "
                                                   f"{response.status_code}", tag)
                listed = listed or bool(data)
                for agent in data:
                    searchable = searchable or any(name in agent for name in fields)
                    agent_id = agent.get("agentId")
                    if (isinstance(agent_id, str) and agent.get("status") != "decommissioned"
                            and any(_tagged(agent.get(name), tag) for name in fields)):
                        self._created.setdefault(agent_id, None)
                        self._gone.discard(agent_id)
                if len(data) < _PAGE:
                    break
        if listed and not searchable:
            return Cleanup(None, "failed", f"cannot find agents by their tag {lost}: none of "
                                           f"unique-fields ({', '.join(fields)}) is a field of "
                                           "the listed agents", tag)
        return None


def _tagged(value: Any, tag: str) -> bool:
    """Whether a field's value carries this guide's whole tag, as isolation writes it:
    `a+TAG@x.io` for an e-mail form, `value-TAG` otherwise (guide 1's tag is not guide 10's)."""
    if not isinstance(value, str):
        return False
    return f"+{tag}@" in value or value.endswith(f"-{tag}")


class _Budgeted:
    """Senders sharing one budget: a guide's whole cleanup takes at most `cleanup_budget` s.

    Each request may wait out a `Retry-After` and back off on 5xx and drops within what is
    left; against a target the run found unreachable, one attempt probes it and, if it still
    does not answer, nothing more is sent.
    """

    def __init__(self, client: httpx.Client, session: Session, *,
                 sleep: Callable[[float], None] | None,
                 clock: Callable[[], float] | None) -> None:
        virtual = session.clock
        self._client = client
        self._session = session
        self._sleep = sleep or (virtual.advance if virtual is not None else None)
        self._clock = clock or (virtual.monotonic if virtual is not None else time.monotonic)
        self._policy = session.retry.for_cleanup(session.cleanup_budget)
        self._ends = self._clock() + session.cleanup_budget
        self._probed = False
        self.stopped = False
        """The budget is spent or the target is gone: later requests are not sent."""

    def send(self, request: httpx.Request, *, idempotent: bool = False) -> Delivery:
        """Send within what is left of the budget; TargetError once it is spent."""
        left = self._ends - self._clock()
        budget = self._session.cleanup_budget
        if left <= 0:
            self.stopped = True
            raise TargetError(f"not sent: the cleanup budget ({budget:g} s) was spent")
        since = self._session.reach.since
        policy = replace(self._policy, deadline=left)
        if since is not None:
            if self._probed:
                self.stopped = True
                raise TargetError(f"not sent: the target has not answered since {since}")
            self._probed = True  # one try: it may be back
            policy = replace(policy, attempts=1)
        sender = Sender(self._client, policy, sleep=self._sleep, clock=self._clock,
                        reach=self._session.reach)
        try:
            return sender.send(request, timeout=httpx.Timeout(self._session.timeout),
                               idempotent=idempotent)
        except TargetError as exc:
            if self._session.reach.since is not None or self._ends - self._clock() <= 0:
                self.stopped = True
            raise TargetError(f"{exc.message} (cleanup budget {budget:g} s)") from None


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
