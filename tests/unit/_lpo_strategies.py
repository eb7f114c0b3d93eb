"""Hypothesis strategies of LPO items shared by the LPO rendering tests."""

from __future__ import annotations

from hypothesis import strategies as st

keys = st.text(st.characters(exclude_categories=("Cs",)), min_size=1)
"""Any identifier text that has UTF-8 (no lone surrogates)."""
plain_keys = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7F), min_size=1)
"""Printable ASCII keys: the usual ids and global keys."""


def columns(
    priorities: st.SearchStrategy[int], max_size: int | None = None
) -> st.SearchStrategy[list[tuple[str, str, int]]]:
    """Lists of ``(key, idType, priority)`` items."""
    return st.lists(
        st.tuples(st.one_of(plain_keys, keys), st.sampled_from(["ID", "GKEY"]), priorities),
        min_size=1,
        max_size=max_size,
    )
