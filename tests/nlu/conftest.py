"""Load the NLU once for the whole test session."""

import pytest

from bot import nlu


@pytest.fixture(scope="session", autouse=True)
def _warm_nlu():
    nlu.warm_up()
