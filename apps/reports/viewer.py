"""Whose eyes a report's figures are read with: its scope organization's.

Every figure comes from the other apps' selectors, which take a user and start from
apps.organizations.scope. A report is of an organization's subtree, whoever asked for it
(two clerks asking for the same report get the same one) and the schedule asks as nobody,
so the selectors are given this viewer: it sees exactly what a user of that organization
sees — the organization and everything under it — and holds no right to change anything.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ScopeViewer:
    organization: object
    is_authenticated: bool = True
    is_active: bool = True
    is_superuser: bool = False
    pk: None = None
    role: str = ""

    def has_capability(self, capability: str) -> bool:
        return False

    def get_username(self) -> str:
        return f"report:{self.organization.code}"
