import pytest
from reader_site import build_site


@pytest.fixture(scope="session")
def reader_site(tmp_path_factory):
    """The reader-features test site, built once; fails loudly if the build logged problems."""
    output, result = build_site(tmp_path_factory.mktemp("reader"))
    assert result.ok, "\n".join(result.problems)
    return output
