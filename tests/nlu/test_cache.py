"""The NLU's cache file gives the same gazetteer and segmenter as building them, and a bad file is rebuilt."""

import tempfile

from bot.nlu import resources


def test_a_cached_start_reads_the_same_tables_and_cuts_the_same(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    built = resources.build()
    (cache_file,) = tmp_path.glob("xiangan-nlu-*.marshal")
    cached = resources.build()
    assert cached.gazetteer == built.gazetteer
    assert cached.tokenizer.FREQ == built.tokenizer.FREQ and cached.tokenizer.total == built.tokenizer.total
    for text in ("我从郑州市金水区回来了", "要两袋米和一桶油", "俺在鸣皋村，发烧三十八度五"):
        assert cached.cut(text) == built.cut(text)
    cache_file.write_bytes(b"not marshal")
    rebuilt = resources.build()
    assert rebuilt.gazetteer == built.gazetteer and rebuilt.tokenizer.FREQ == built.tokenizer.FREQ
