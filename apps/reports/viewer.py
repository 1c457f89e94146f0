"""Whose eyes a report's figures are read with: its scope organization's.

Every figure comes from the other apps' selectors, which take a user and start from
apps.organizations.scope. A report is of an organization's subtree, whoever asked for it
(two clerks asking for the same report get the same one) and the schedule asks as nobody,
so the selectors are given this viewer: it sees exactly what a user of that organization
sees — the organization and everything under it — and holds no right to change anything.
"""

# The class lives in the scope module, beside the other ways of reading as someone
# (the dashboard's kept figures read with it too).
from apps.organizations.scope import ScopeViewer

__all__ = ["ScopeViewer"]
