"""An OpenAPI description (3.x, or Swagger 2.0) read for coverage: its operations, each with
the paths that reach it and its declared responses, and the error codes it lists."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from runner.model import CodeField, DocError
from runner.read import read_named_text

__all__ = ["ApiDescription", "Operation", "load_openapi"]

MAX_OPENAPI_BYTES = 16 * 1024 * 1024
"""Far above any real description (ours is 36 KB); read before anything is sent."""
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TEMPLATE = re.compile(r"\{[^{}/]*\}")
_CODE_FIELDS: tuple[CodeField, ...] = ("code", "error")


@dataclass(frozen=True, slots=True)
class Operation:
    """One method on one path of the description."""

    method: str
    """Upper case, as a request line writes it."""
    path: str
    """The path template as written under `paths` (`/agents/{agentId}`)."""
    operation_id: str | None
    responses: tuple[str, ...]
    """The keys of its `responses`, in the file's order (`201`, `4XX`, `default`)."""
    pattern: re.Pattern[str]
    """A request path (server base path included) that reaches this operation."""
    parameters: int
    """How many `{name}` segments the template holds: fewer is more specific."""

    def response_for(self, status: int) -> str | None:
        """The declared response a status falls under: exact, then `NXX`, then `default`."""
        keys = {key.upper(): key for key in self.responses}
        for wanted in (str(status), f"{status // 100}XX", "DEFAULT"):
            if wanted in keys:
                return keys[wanted]
        return None


@dataclass(frozen=True, slots=True)
class ApiDescription:
    """What coverage needs of an OpenAPI description."""

    path: str
    """The file, as the user named it."""
    operations: tuple[Operation, ...]
    codes: tuple[tuple[CodeField, str], ...]
    """Every error code the response bodies list, as (field, value): the `enum` or `const`
    of a `code` or `error` property, in the order the file first lists them."""

    def operation_for(self, method: str, path: str) -> Operation | None:
        """The operation a request reaches: a concrete path wins over a templated one."""
        found = [op for op in self.operations
                 if op.method == method.upper() and op.pattern.fullmatch(path)]
        if not found:
            return None
        return min(found, key=lambda op: (op.parameters, -len(op.path)))


def load_openapi(path: Path, shown: str | None = None) -> ApiDescription:
    """Read an OpenAPI description from a YAML or JSON file.

    Raises:
        DocError: the file cannot be read, is not YAML or JSON, or is no OpenAPI description
            (`FILE: what`, exit 2).
    """
    name = shown if shown is not None else str(path)
    text = read_named_text(path, MAX_OPENAPI_BYTES, name=name, what="an OpenAPI file",
                           missing="no such OpenAPI file (give another with --openapi FILE, "
                                   "or `openapi = ...` in [tool.verify-docs])")
    try:
        # JSON is (almost) YAML, but a .json file is read as JSON so its errors read as such.
        document = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise DocError(f"{name}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DocError(f"{name}{where}: not valid YAML: {problem}") from None
    return _Reader(document, name).description()


class _Reader:
    """Walks one parsed description; every refusal names the file and what is wrong."""

    def __init__(self, document: object, name: str) -> None:
        self.name = name
        if not isinstance(document, dict) or not (
                isinstance(document.get("openapi"), str) or document.get("swagger") == "2.0"):
            raise DocError(f"{name}: not an OpenAPI description (expected a mapping with "
                           "`openapi: 3.x` or `swagger: '2.0'` at the top)")
        self.root: dict[str, Any] = document
        paths = document.get("paths")
        if not isinstance(paths, dict):
            raise DocError(f"{name}: not an OpenAPI description: `paths` should be a mapping "
                           f"of paths to operations, got {_kind(paths)}")
        self.paths: dict[str, Any] = paths

    def description(self) -> ApiDescription:
        operations: list[Operation] = []
        codes: dict[tuple[CodeField, str], None] = {}
        root_bases = self._bases(self.root, None)
        for template, raw in self.paths.items():
            item = self._resolve(raw, f"paths: {template}")
            if not isinstance(template, str) or not template.startswith("/"):
                raise DocError(f"{self.name}: paths: {template!r} should start with '/'")
            item_bases = self._bases(item, root_bases)
            for method, operation in item.items():
                if method not in _METHODS:
                    continue
                where = f"paths: {template}: {method}"
                if not isinstance(operation, dict):
                    raise DocError(f"{self.name}: {where}: expected an operation (a mapping), "
                                   f"got {_kind(operation)}")
                responses = self._resolve(operation.get("responses", {}), f"{where}: responses")
                # YAML reads an unquoted 201 as a number: keys are compared as text.
                declared = {str(key): value for key, value in responses.items()
                            if not str(key).startswith("x-")}
                keys = tuple(declared)
                for key, response in declared.items():
                    for code in self._response_codes(response, f"{where}: {key}"):
                        codes.setdefault(code, None)
                bases = self._bases(operation, item_bases)
                operations.append(Operation(
                    method=method.upper(), path=template,
                    operation_id=_string(operation.get("operationId")), responses=keys,
                    pattern=re.compile("(?:" + "|".join(_regex(b) for b in bases) + ")"
                                       + _regex(template)),
                    parameters=len(_TEMPLATE.findall(template))))
        if not operations:
            raise DocError(f"{self.name}: the OpenAPI description has no operations under "
                           "`paths`: nothing to cover")
        return ApiDescription(self.name, tuple(operations), tuple(codes))

    def _bases(self, holder: Mapping[str, Any], inherited: tuple[str, ...] | None
               ) -> tuple[str, ...]:
        """The base paths of `servers` (or Swagger 2.0's `basePath`); inherited if none."""
        if "basePath" in holder and isinstance(holder["basePath"], str):
            return (holder["basePath"].rstrip("/"),)
        servers = holder.get("servers")
        if not isinstance(servers, list) or not servers:
            return inherited if inherited is not None else ("",)
        bases: list[str] = []
        for server in servers:
            if not isinstance(server, dict) or not isinstance(server.get("url"), str):
                raise DocError(f"{self.name}: servers: each server needs a `url`")
            url = _with_defaults(server["url"], server.get("variables"))
            bases.append(urlsplit(url).path.rstrip("/") if "//" in url else url.rstrip("/"))
        return tuple(dict.fromkeys(bases))

    def _response_codes(self, response: object, where: str
                        ) -> Iterator[tuple[CodeField, str]]:
        response = self._resolve(response, where)
        schemas: list[object] = []
        content = response.get("content")
        if isinstance(content, dict):
            schemas += [media.get("schema") for media in content.values()
                        if isinstance(media, dict)]
        schemas.append(response.get("schema"))  # Swagger 2.0
        seen: set[str] = set()
        for schema in schemas:
            for body in self._alternatives(schema, seen):
                properties = body.get("properties")
                if not isinstance(properties, dict):
                    continue
                for field in _CODE_FIELDS:
                    for value in self._values(properties.get(field), set()):
                        yield field, value

    def _alternatives(self, schema: object, seen: set[str]) -> Iterator[dict[str, Any]]:
        """The object schemas a body may be: through `$ref`, `allOf`, `oneOf`, `anyOf`."""
        schema = self._follow(schema, seen)
        if not isinstance(schema, dict):
            return
        yield schema
        for key in ("allOf", "oneOf", "anyOf"):
            for part in schema.get(key) or ():
                yield from self._alternatives(part, seen)

    def _values(self, schema: object, seen: set[str]) -> Iterator[str]:
        """The string values a `code` or `error` schema allows (`enum`, `const`)."""
        for alternative in self._alternatives(schema, seen):
            enum = alternative.get("enum")
            if isinstance(enum, list):
                yield from (value for value in enum if isinstance(value, str))
            if isinstance(alternative.get("const"), str):
                yield alternative["const"]

    def _follow(self, value: object, seen: set[str]) -> object:
        """A local `$ref` followed (each once per walk, so cycles end); others stay opaque."""
        while isinstance(value, dict) and isinstance(value.get("$ref"), str):
            ref = value["$ref"]
            if ref in seen or not ref.startswith("#/"):
                return None
            seen.add(ref)
            value = self._pointer(ref)
        return value

    def _resolve(self, value: object, where: str) -> dict[Any, Any]:
        value = self._follow(value, set())
        if not isinstance(value, dict):
            raise DocError(f"{self.name}: {where}: expected a mapping, got {_kind(value)}")
        return value

    def _pointer(self, ref: str) -> object:
        node: object = self.root
        for raw in ref[2:].split("/"):
            part = raw.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise DocError(f"{self.name}: $ref {ref!r} points at nothing in the file")
            node = node[part]
        return node


def _with_defaults(url: str, variables: object) -> str:
    """A server URL with its variables at their defaults; one without a default stays `{x}`
    (a template segment: any value matches)."""
    if not isinstance(variables, dict):
        return url

    def default(match: re.Match[str]) -> str:
        spec = variables.get(match.group(0)[1:-1])
        value = spec.get("default") if isinstance(spec, dict) else None
        return str(value) if value is not None else match.group(0)

    return _TEMPLATE.sub(default, url)


def _regex(template: str) -> str:
    """A path template as a regular expression: `{name}` is one non-empty segment."""
    out, last = [], 0
    for match in _TEMPLATE.finditer(template):
        out += [re.escape(template[last:match.start()]), "[^/]+"]
        last = match.end()
    out.append(re.escape(template[last:]))
    return "".join(out)


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    kinds: dict[type, str] = {dict: "a mapping", list: "a list", str: "a string"}
    return kinds.get(type(value), type(value).__name__)
