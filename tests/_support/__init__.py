"""Pieces shared by more than one test tier: canned wire objects and item builders (no tests)."""
