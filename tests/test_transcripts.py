"""Every conversation in tests/transcripts/, played through the real webhook (one test per transcript)."""

from __future__ import annotations

import pytest

from tests.support.transcripts import load_all, play

TRANSCRIPTS = load_all()


@pytest.mark.parametrize("transcript", [t for _, t in TRANSCRIPTS], ids=[name for name, _ in TRANSCRIPTS])
def test_transcript(server, transcript):
    play(server, transcript)
