"""Blocks -> steps: each request with its documented response, expected status and variables.

Errors are collected, not raised: a guide with any error keeps them in `Guide.errors` and
has no steps, so nothing of it is sent.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from runner.config import DOCUMENTED_ORIGIN
from runner.model import Assignment, Capture, DocError, DocumentedResponse, Guide, Source, Step
from runner.plan.display import http_display
from runner.plan.links import linked_fixtures, local_links
from runner.plan.lint import check_variables, literal_examples
from runner.plan.shell_fence import (
    CONSOLE_LANGS,
    MAX_SHELL_BYTES_PER_GUIDE,
    SHELL_LANGS,
    Draft,
    plan_shell_fence,
)
from runner.plan.status import expected_status, nearest_prose, prose_between
from runner.read import Directive, Document, Fence, Prose, find_root, read_markdown, read_path
from runner.translate.curl import parse_write_out, split_documented
from runner.translate.docjson import documented_body, has_error_shape
from runner.translate.http_block import (
    http_variables,
    is_status_line,
    parse_http_request,
    parse_http_response,
)

__all__ = ["plan_guide", "plan_text"]

_JSON_LANGS = frozenset({"json", "jsonc", "json5"})


@dataclass(slots=True)
class _RequestBlock:
    """A request fence and what the guide says about its steps."""

    index: int
    drafts: list[tuple[Draft, tuple[Assignment, ...]]]
    directive: Directive | None
    response: DocumentedResponse | None = None
    response_index: int | None = None
    response_directive: Directive | None = None


@dataclass(slots=True)
class _Planned:
    """One file planned: steps, errors, notes and the fixtures it requires."""

    steps: list[Step] = field(default_factory=list)
    errors: list[tuple[Source, str]] = field(default_factory=list)
    notes: list[tuple[Source, str]] = field(default_factory=list)
    requires: list[tuple[str, Source]] = field(default_factory=list)
    unrun: dict[str, tuple[Source, str]] = field(default_factory=dict)
    """Variables that a command that is not run would set: where, and that command."""
    links: set[Path] = field(default_factory=set)
    """The local files the page links to, resolved."""
    fixtures: dict[str, tuple[Path, set[Path]]] = field(default_factory=dict)
    """Each fixture run with the guide: its display path -> (its file, the files it links to)."""

    def error(self, error: DocError, fallback: Source) -> None:
        self.errors.append((error.source or fallback, error.message))


def _merge(first: Directive | None, second: Directive) -> Directive:
    """Two directives for one block: later words win, lists add up."""
    if first is None:
        return second
    return replace(
        first,
        status=second.status if second.status is not None else first.status,
        skip=second.skip if second.skip is not None else first.skip,
        captures=first.captures + second.captures,
        ignore=first.ignore + second.ignore,
        unordered=first.unordered + second.unordered,
        strict=first.strict or second.strict,
    )


class _Planner:
    """Walks a document's blocks once, in order, pairing requests with their responses."""

    def __init__(self, document: Document, cwd: Path | None, origin: str) -> None:
        self.document = document
        self.cwd = cwd
        self.origin = origin
        """The documented origin: what `$BASE_URL` stands for, the only host a URL may name."""
        self.out = _Planned()
        self.blocks: list[_RequestBlock] = []
        self.pending: Directive | None = None
        self.setup: list[Assignment] = []
        self.shell_bytes = 0

    @property
    def current(self) -> _RequestBlock | None:
        return self.blocks[-1] if self.blocks else None

    def plan(self) -> _Planned:
        origin = Source(self.document.path, 1)
        for error in self.document.errors:
            self.out.error(error, origin)
        for index, block in enumerate(self.document.blocks):
            if isinstance(block, Directive):
                self._directive(block)
            elif isinstance(block, Fence):
                directive, self.pending = self.pending, None
                self._fence(index, block, directive)
        if self.pending is not None:
            self._stray(self.pending, "nothing follows it")
        for request in self.blocks:
            self.out.steps.extend(self._steps(request))
        return self.out

    def _directive(self, directive: Directive) -> None:
        if directive.requires and self.blocks:
            first = self.blocks[0].drafts[0][0].source.line
            for name, where in directive.requires:
                self.out.errors.append(
                    (where, f"requires={name} must come before the guide's first step "
                            f"(line {first})")
                )
        else:
            self.out.requires.extend(directive.requires)
        if directive.applies_to_block:
            self.pending = _merge(self.pending, directive)

    def _stray(self, directive: Directive, why: str) -> None:
        self.out.errors.append(
            (directive.source,
             f"verify directive applies to no request or documented response: {why}")
        )

    def _fence(self, index: int, fence: Fence, directive: Directive | None) -> None:
        if fence.lang in SHELL_LANGS or fence.lang in CONSOLE_LANGS:
            self._shell(index, fence, directive)
        elif fence.lang == "http" and is_status_line(fence.text):
            self._response(index, fence, directive)
        elif fence.lang == "http":
            try:
                request = parse_http_request(fence.text, fence.source.at(fence.content_line))
                shown = http_display(request, self.origin)
            except DocError as error:
                self.out.error(error, fence.source)
                return
            draft = Draft(name=shown.name, source=request.source, method=shown.method,
                          url=shown.url, http_request=request, hidden=fence.hidden)
            self._open(index, [(draft, tuple(self.setup))], directive)
            self.setup.clear()
        elif fence.lang in _JSON_LANGS:
            self._response(index, fence, directive)
        elif directive is not None and _beyond_skip(directive):
            self._stray(directive, f"the block at line {fence.source.line} is `{fence.lang}`")

    def _shell(self, index: int, fence: Fence, directive: Directive | None) -> None:
        before = self.shell_bytes
        self.shell_bytes += len(fence.text.encode("utf-8", "surrogatepass"))
        if self.shell_bytes > MAX_SHELL_BYTES_PER_GUIDE:
            if before <= MAX_SHELL_BYTES_PER_GUIDE:  # said once, at the block that crosses it
                self.out.errors.append((fence.source, (
                    f"shell blocks too large in total, expected at most "
                    f"{MAX_SHELL_BYTES_PER_GUIDE} bytes per guide, got {self.shell_bytes} "
                    "by this block")))
            return
        planned = plan_shell_fence(fence, self.cwd, self.origin)
        for error in planned.errors:
            self.out.error(error, fence.source)
        paired: list[tuple[Draft, tuple[Assignment, ...]]] = []
        for item in planned.items:
            if isinstance(item, Assignment):
                self.setup.append(item)
            elif isinstance(item, Draft):
                paired.append((item, tuple(self.setup)))
                self.setup.clear()
            else:
                self.out.notes.append((item.source, item.message))
                if item.assigns is not None:
                    self.out.unrun.setdefault(item.assigns, (item.source, item.program))
        if paired:
            self._open(index, paired, directive)
        elif directive is not None and _beyond_skip(directive) and not planned.errors:
            self._stray(directive, f"the block at line {fence.source.line} holds no curl")

    def _open(
        self, index: int, paired: list[tuple[Draft, tuple[Assignment, ...]]],
        directive: Directive | None,
    ) -> None:
        """Start a request block: its drafts, each with the assignments written before it."""
        block = _RequestBlock(index=index, drafts=paired, directive=directive)
        # A console command's output is its response: nothing after the block can claim it.
        block.response = paired[-1][0].response
        self.blocks.append(block)

    def _response(self, index: int, fence: Fence, directive: Directive | None) -> None:
        if directive is not None and directive.skip is not None:
            return  # An illustration (a request body, say), not a response.
        block = self.current
        if block is None or block.response is not None:
            if directive is not None:
                self._stray(directive, f"the response at line {fence.source.line} follows no "
                                       "request")
            return
        source = fence.source.at(fence.content_line)
        try:
            if fence.lang == "http":
                response = parse_http_response(fence.text, source)
            else:
                body = fence.text.rstrip("\n")
                response = DocumentedResponse(kind="json", body=body, source=source,
                                              body_line=fence.content_line)
        except DocError as error:
            self.out.error(error, fence.source)
            return
        block.response = response
        block.response_index = index
        block.response_directive = directive

    def _steps(self, block: _RequestBlock) -> list[Step]:
        steps: list[Step] = []
        blocks = self.document.blocks
        for position, (draft, setup) in enumerate(block.drafts):
            last = position == len(block.drafts) - 1
            directive = block.directive
            if last and block.response_directive is not None:
                directive = _merge(directive, block.response_directive)
            response = block.response if last else draft.response
            prose: list[Prose] = []
            if last:
                if block.response_index is not None:
                    prose += prose_between(blocks, block.index, block.response_index)
                prose += nearest_prose(blocks, block.index, -1)
                if response is None:
                    # A paragraph ending in `:` introduces what follows, not this request.
                    prose += [after for after in nearest_prose(blocks, block.index, +1)
                              if not after.text.rstrip().endswith(":")]
            else:
                # An earlier curl of the block: the paragraph before the block is just
                # before it too ("Both of these return `401`:").
                prose += nearest_prose(blocks, block.index, -1)
            write_out = parse_write_out(draft.write_out) if draft.write_out else None
            response = split_documented(response, write_out)
            response, checked = self._checked_body(response)
            expected = expected_status(
                directive.status if last and directive else None,
                _status_source(block),
                response, prose, checked,
            )
            captures = draft.captures
            if last and directive is not None:
                captures += tuple(Capture(name=name, path=path, source=where)
                                  for name, path, where in directive.captures)
            reads: set[str] = set()
            if draft.command is not None:
                reads |= draft.command.variables()
            if draft.http_request is not None:
                reads |= {name for name, _, _ in http_variables(draft.http_request)}
            for assignment in setup:
                reads |= assignment.value.variables()
            use = directive if last else None
            steps.append(Step(
                name=draft.name, source=draft.source, method=draft.method, url=draft.url,
                expected=expected, command=draft.command, http_request=draft.http_request,
                response=response, setup=setup, captures=captures,
                reads=frozenset(reads),
                binds=frozenset({a.name for a in setup} | {c.name for c in captures}),
                skip=block.directive.skip if block.directive else None,
                strict=bool(use and use.strict),
                ignore=use.ignore if use else (),
                unordered=use.unordered if use else (),
                hidden=draft.hidden, prints_response=draft.prints_response,
                write_out=write_out, printing=draft.printing,
            ))
        return steps

    def _checked_body(
        self, response: DocumentedResponse | None
    ) -> tuple[DocumentedResponse | None, bool | None]:
        """The response with its JSON body read once for every later stage, and whether
        that body has the error shape (None: no JSON body)."""
        if response is None or response.body.lstrip()[:1] not in ("{", "["):
            return response, None
        try:
            document = documented_body(response)
        except DocError as error:
            self.out.error(error, response.source)
            return response, None
        return replace(response, document=document), has_error_shape(document)


def _status_source(block: _RequestBlock) -> Source | None:
    """Where the `status=` word that decides a block's status was written."""
    for directive in (block.response_directive, block.directive):
        if directive is not None and directive.status is not None:
            return directive.source
    return None


def _beyond_skip(directive: Directive) -> bool:
    """Whether a directive says more than `skip` (which may precede any block harmlessly)."""
    return bool(directive.status is not None or directive.captures or directive.ignore
                or directive.unordered or directive.strict)


def _display_path(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def _plan_document(document: Document, cwd: Path | None, origin: str) -> _Planned:
    return _Planner(document, cwd, origin).plan()


def _with_fixtures(
    planned: _Planned, folder: Path | None, stack: tuple[Path, ...], origin: str,
    included: set[Path] | None = None, texts: Mapping[Path, str] | None = None,
) -> _Planned:
    """Prepend the steps of every required fixture (planned recursively) to a file's steps.

    A fixture runs once per guide, however many times it is required (twice by the guide,
    or once by the guide and once by another fixture): a second registration of the same
    agent would only meet a 409.
    """
    included = set() if included is None else included
    merged = _Planned(requires=list(planned.requires))
    for name, where in planned.requires:
        if folder is None:
            merged.errors.append((where, f"requires={name}: no repository root (a folder with "
                                         "pyproject.toml) above the guide"))
            continue
        file = folder / (name if name.endswith(".md") else name + ".md")
        try:
            found = file.is_file()
        except OSError as error:  # a name the file system refuses is the guide's to fix
            merged.errors.append((where, f"fixture '{name}' cannot be looked up: "
                                         f"{error.strerror or type(error).__name__}"))
            continue
        if not found:
            merged.errors.append((where, f"fixture '{name}' not found, expected "
                                         f"{_display_path(file)}"))
            continue
        if file.resolve() in stack:
            merged.errors.append((where, f"fixture '{name}' requires itself (a cycle)"))
            continue
        if file.resolve() in included:
            continue
        included.add(file.resolve())
        shown = _display_path(file)
        sub = _plan_file(file, shown, folder, (*stack, file.resolve()), origin, included,
                         texts)
        merged.fixtures.update(sub.fixtures)
        merged.fixtures[shown] = (file.resolve(), sub.links)
        merged.steps += sub.steps
        merged.errors += sub.errors
        merged.notes += sub.notes
        merged.unrun = {**sub.unrun, **merged.unrun}
    merged.steps += planned.steps
    merged.errors += planned.errors
    merged.notes += planned.notes
    merged.unrun = {**merged.unrun, **planned.unrun}
    merged.links = planned.links
    return merged


def _plan_file(
    path: Path, shown: str, folder: Path | None, stack: tuple[Path, ...], origin: str,
    included: set[Path] | None = None, texts: Mapping[Path, str] | None = None,
) -> _Planned:
    text = None if texts is None else texts.get(path.resolve())
    try:
        document = read_path(path, shown) if text is None else read_markdown(text, shown)
    except DocError as error:
        failed = _Planned()
        failed.error(error, Source(shown, 1))
        return failed
    planned = _plan_document(document, path.parent, origin)
    planned.links = local_links(document.links, path.parent)
    return _with_fixtures(planned, folder, stack, origin, included, texts)


def _guide(path: str, planned: _Planned) -> Guide:
    variables = check_variables(planned.steps, planned.unrun)
    errors = planned.errors + variables.errors
    unique = list(dict.fromkeys(errors))
    unique.sort(key=lambda item: (item[0].path != path, item[0].path, item[0].line))
    return Guide(
        path=path,
        steps=() if unique else tuple(planned.steps),
        errors=tuple(unique),
        notes=tuple(dict.fromkeys([*planned.notes, *variables.notes,
                                   *literal_examples(planned.steps)])),
        requires=tuple(name for name, _ in planned.requires),
        linked=linked_fixtures(planned.links, planned.fixtures),
    )


def plan_guide(
    path: Path,
    *,
    display_path: str | None = None,
    root: Path | None = None,
    fixtures: Path | None = None,
    origin: str | None = None,
    texts: Mapping[Path, str] | None = None,
) -> Guide:
    """Read and plan one guide file (its fixtures first); errors land in `Guide.errors`.

    `requires=NAME` reads `fixtures/NAME.md` (default: the `fixtures` folder of `root`, the
    repository root found above the guide). `origin` is the documented origin, when a
    project writes its guides against another one than `http://localhost:3000`. `texts`
    holds files' text by resolved path, planned in place of what the file holds (the guide
    or a fixture, as `--update` would write it): under the file's own path, so its fixtures,
    `@file`s and relative paths resolve as they would once written.
    """
    shown = display_path if display_path is not None else str(path)
    if fixtures is None:
        if root is None:
            root = find_root(path.resolve().parent)
        fixtures = None if root is None else root / "fixtures"
    documented = DOCUMENTED_ORIGIN if origin is None else origin.rstrip("/")
    return _guide(shown, _plan_file(path, shown, fixtures, (path.resolve(),), documented,
                                    texts=texts))


def plan_text(
    text: str, path: str, *, cwd: Path | None = None, root: Path | None = None,
    origin: str = DOCUMENTED_ORIGIN,
) -> Guide:
    """Plan Markdown text as if read from `path` (tests); `cwd` is where `@file`s are read,
    `origin` the documented origin."""
    document = read_markdown(text, path)
    if root is None and cwd is not None:
        root = find_root(cwd.resolve())
    folder = None if root is None else root / "fixtures"
    documented = origin.rstrip("/")
    planned = _plan_document(document, cwd, documented)
    if cwd is not None:
        planned.links = local_links(document.links, cwd)
    return _guide(path, _with_fixtures(planned, folder, (), documented))
