"""Return declarations: the risk list they are checked against and an ID number of the demo's county."""

from __future__ import annotations

AUG5 = "tests/fixtures/riskareas/2021-08-05-10.txt"


# Valid resident ID numbers (GB 11643 check digit), born in 伊川县.
ID_1980 = "410329198001010027"
