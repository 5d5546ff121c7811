"""The outputs' tests share one fit of each kind of network an export must carry, trained once."""

import pytest
from exported import FITS

import nnfit


@pytest.fixture(scope="session", params=list(FITS))
def fitted(request):
    formula, domain, settings = FITS[request.param]
    return nnfit.fit(formula, domain=domain, samples=2000, steps=300, **settings)
