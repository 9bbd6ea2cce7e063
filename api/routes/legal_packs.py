"""Legal packs (behaviour -> articles) and the legal assessment of an incident."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Response

from api.deps import CurrentIncident, Permission, SessionDep, TransactionRoute
from app.auth.actor import Actor, Scope
from app.legal import service as legal
from app.legal.schemas import LegalAssessment, LegalPackContent, LegalPackPublic, PackCountry
from app.organisation.models import Role

router = APIRouter(tags=["legal"], route_class=TransactionRoute)

Reader = Annotated[Actor, Depends(Permission(scope=Scope.incidents_read))]
LegalStaff = Annotated[Actor, Depends(Permission(Role.legal))]
CountryPath = Annotated[PackCountry, Path(alias="country", description="nl or dk.")]


@router.get("/legal-packs/{country}", operation_id="getLegalPack", summary="Get a legal pack")
def get_legal_pack(
    country: CountryPath, actor: Reader, session: SessionDep, response: Response
) -> LegalPackPublic:
    """The organisation's legal pack of this country; its ETag is needed to replace it."""
    pack = legal.get_pack(session, organisation_id=actor.organisation_id, country=country)
    response.headers["ETag"] = legal.etag(pack)
    return legal.to_public(pack)


@router.put("/legal-packs/{country}", operation_id="replaceLegalPack", summary="Replace a legal pack")
def replace_legal_pack(
    country: CountryPath,
    body: LegalPackContent,
    actor: LegalStaff,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> LegalPackPublic:
    """Replace the whole pack (legal staff); every behaviour must have a rule. Needs If-Match."""
    pack = legal.replace_pack(session, country=country, data=body, actor=actor, if_match=if_match)
    response.headers["ETag"] = legal.etag(pack)
    return legal.to_public(pack)


@router.get(
    "/incidents/{incidentId}/legal-assessment",
    operation_id="getIncidentLegalAssessment",
    summary="Get the legal assessment of an incident",
)
def get_legal_assessment(incident: CurrentIncident, actor: Reader, session: SessionDep) -> LegalAssessment:
    """Suggested articles per behaviour, the police-report duty, protocol scope and signals."""
    return legal.assess(session, incident=incident)
