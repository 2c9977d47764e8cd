"""Any text as Markdown: read and plan never raise anything but DocError."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from runner.model.errors import DocError
from runner.plan.planner import plan_text
from runner.read.markdown import read_markdown

# Pieces that reach the interesting paths: fences, prompts, directives, shell, http.
_PIECES = st.sampled_from(
    [
        "```bash\n", "```console\n", "```http\n", "```json\n", "~~~sh\n", "```\n", "````\n",
        "> ", "- ", "   ", "\n", "$ ", "curl ", "-X POST ", "-d '{\"a\": 1}' ", "\\\n",
        "http://localhost:3000/api/v1/agents ", "$AGENT_ID", "${A:-b}", "{{X}}", "| jq -r .a",
        "export T=$(curl http://localhost:3000/x | jq -r '.t')\n", "<!-- verify: ",
        "status=201 ", "skip=\"x\" ", "hidden\n", "capture=A:$.a ", "statsu ", "-->", "'", "\"",
        "HTTP/1.1 200 OK\n", "POST /api/v1/token HTTP/1.1\n", "Host: x\n", "returns 404 ",
        "---\n", "<<EOF\n", "EOF\n", "{\"code\": ", "...", "`", "#", "&&", ";", "\t", "\r\n",
    ]
)
_TEXT = st.one_of(
    st.text(),
    st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=40).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_read_and_plan_raise_only_doc_errors(text: str) -> None:
    try:
        read_markdown(text, "g.md")
        guide = plan_text(text, "g.md")
    except DocError:
        return
    for source, message in guide.errors:
        assert source.path == "g.md" and source.line >= 1 and message
