"""How a route documents who may call it: `x-required-scopes` and `x-required-roles` in the contract."""

from __future__ import annotations

from typing import Any

from app.auth.actor import Scope
from app.organisation.models import Role


def documented_access(*roles: Role, scope: Scope | None = None) -> dict[str, Any]:
    """The contract extensions for a route guarded by Permission(*roles, scope=scope)."""
    return {
        "x-required-scopes": [scope.value] if scope else [],
        "x-required-roles": [r.value for r in roles],
    }


def access_text(*roles: Role, scope: Scope | None = None) -> str:
    """One sentence for the operation description, naming the roles and the scope."""
    who = f"a staff user with role {' or '.join(r.value for r in roles)}" if roles else "any staff user"
    client = f"an API client with scope `{scope.value}`" if scope else "no API client"
    return f"\n\nAccess: {who}; {client}. Others get 403."
