"""Who records the handling of an incident (actions, takedown requests): a route permission that asks
the organisation's legal pack whether its managers do (Silkeborg: only the leader talks to the offender)."""

from __future__ import annotations

from sqlmodel import Session

from api.deps import CurrentActor, Permission, SessionDep
from app.auth.actor import HANDLER_ROLES, Actor, Scope
from app.legal.handling_rules import may_record_handling
from app.organisation.models import Role


class HandlingPermission(Permission):
    """Case handlers, privacy officers and legal staff; managers too where the legal pack has the
    leader talk to the offender; API clients with the scope."""

    def __init__(self, *, scope: Scope) -> None:
        super().__init__(*sorted(HANDLER_ROLES), Role.manager, scope=scope)

    def __call__(self, actor: CurrentActor, session: SessionDep) -> Actor:  # type: ignore[override]
        return self.check(actor, session)

    def check(self, actor: Actor, session: Session) -> Actor:
        """The role or scope, then the pack's rule for managers."""
        self.check_roles(actor)
        may_record_handling(session, actor=actor, organisation_id=actor.organisation_id)
        return actor

    def allows(self, actor: Actor) -> bool:
        """Not without a session: use check()."""
        raise NotImplementedError("HandlingPermission needs a session: call check(actor, session)")
