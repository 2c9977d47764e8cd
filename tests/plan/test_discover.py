"""discover: paths -> guide files."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.model.errors import DocError
from runner.read.discover import find_guides


def test_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.md").write_text("")
    (tmp_path / "b" / "a.md").write_text("")
    (tmp_path / "b" / "notes.txt").write_text("")
    (tmp_path / "b" / ".hidden").mkdir()
    (tmp_path / "b" / ".hidden" / "x.md").write_text("")
    (tmp_path / "one.md").write_text("")
    found = find_guides([str(tmp_path / "one.md"), str(tmp_path / "b"), str(tmp_path / "b")])
    assert found == sorted(
        [tmp_path / "b" / "a.md", tmp_path / "b" / "z.md", tmp_path / "one.md"]
    )


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(DocError) as caught:
        find_guides([str(tmp_path / "nope")])
    assert caught.value.message == (
        f"no such file or folder: {tmp_path / 'nope'}, expected a guide or a folder of guides"
    )
