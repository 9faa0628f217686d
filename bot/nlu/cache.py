"""A marshal file of the NLU's two slowest tables: the division gazetteer and jieba's finished word table.

jieba caches only its bare dictionary, reads it with `marshal.load` on a file object (twice as slow as
`marshal.loads` on the bytes), and the gazetteer's ~58k names are then parsed from gzip and added one by one.
Reading both tables, finished, from one file saves about half of the NLU's start-up. The file is named after
everything they are built from (the data files' sizes and mtimes, the building code, the town's county, the
goods words, the Python and jieba versions), so any change builds them afresh; a file that cannot be read or
written is skipped.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import sys
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)
FORMAT = 1  # bump when the payload's shape changes


def cache_file(inputs: list[Path], *facts: object) -> Path:
    """The cache file for these input files and facts, in the temporary directory (where jieba keeps its own)."""
    digest = hashlib.sha256(repr((FORMAT, sys.version, facts)).encode())
    for path in inputs:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return Path(tempfile.gettempdir()) / f"xiangan-nlu-{digest.hexdigest()[:24]}.marshal"


def read(path: Path) -> tuple | None:
    """The cached payload, or None when there is none or it cannot be read."""
    try:
        return marshal.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, EOFError, ValueError, TypeError):
        log.warning("NLU cache %s unreadable: building the tables afresh", path)
        return None


def write(path: Path, payload: tuple) -> None:
    """Store the payload atomically (a concurrent reader sees the old file or the new one, never half)."""
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            marshal.dump(payload, out)
        os.replace(temp, path)
    except OSError:
        log.warning("NLU cache %s not written: the next start builds the tables again", path, exc_info=True)
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(temp)
