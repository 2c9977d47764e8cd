"""Console blocks: prompts stripped, continuations followed, outputs kept with their lines."""

from __future__ import annotations

from runner.translate.shell.console import ConsoleCommand, split_console


def test_commands_and_outputs() -> None:
    text = (
        "$ curl -X POST http://x \\\n"
        ">   -d '{\n"
        '  "a": 1\n'
        "}'\n"
        '{"ok": true}\n'
        "\n"
        "$ echo hi\n"
        "$ cat <<EOF | curl -d @- http://x\n"
        "$ not a prompt\n"
        "EOF\n"
        "done\n"
    )
    commands, stray = split_console(text, 5)
    assert stray is None
    assert commands == [
        ConsoleCommand(
            text="curl -X POST http://x \\\n  -d '{\n  \"a\": 1\n}'\n",
            line=5,
            output='{"ok": true}',
            output_line=9,
        ),
        ConsoleCommand(text="echo hi\n", line=11, output="", output_line=None),
        ConsoleCommand(
            text="cat <<EOF | curl -d @- http://x\n$ not a prompt\nEOF\n",
            line=12,
            output="done",
            output_line=15,
        ),
    ]


def test_text_before_the_first_prompt() -> None:
    commands, stray = split_console("# setup\n$ ls\n", 1)
    assert stray == 1
    assert [c.text for c in commands] == ["ls\n"]
