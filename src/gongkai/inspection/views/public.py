"""Public pages: the 社会评议 (citizens rate the agencies of an open assessment, one vote per person and agency — a
random token in a signed cookie — and a cap per network address, services.vote_cast) and the published 通报.
Thin views."""

from __future__ import annotations

import secrets

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongkai.core.errors import ApplicationError
from gongkai.core.throttle import client_address
from gongkai.inspection import selectors, services
from gongkai.inspection.models import Assessment, Bulletin, Vote

VOTER_COOKIE = "gk_pingyi"
VOTER_SALT = "gongkai.inspection.vote"
COOKIE_AGE = 400 * 24 * 3600


def vote(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = Assessment.objects.filter(pk=pk).exclude(state=Assessment.State.DRAFT).first()
    if assessment is None:
        raise Http404
    token = str(request.get_signed_cookie(VOTER_COOKIE, default="", salt=VOTER_SALT) or "")
    if len(token) < 16:
        token = secrets.token_urlsafe(24)
    orgs = selectors.assessed_orgs()
    error, done, status = "", 0, 200
    if request.method == "POST":
        valid = {str(v) for v in Vote.Rating.values}
        ratings: dict[int, int] = {}
        for org in orgs:
            raw = str(request.POST.get(f"org-{org.pk}", ""))
            if raw in valid:
                ratings[org.pk] = int(raw)
        try:
            done = services.vote_cast(
                assessment=assessment,
                voter_token=token,
                address=client_address(request.META),
                ratings=ratings,
            )
        except ApplicationError as exc:
            error = exc.message
            status = 429 if exc.code == "too_many_votes" else 400
    response = render(
        request,
        "inspection/public/vote.html",
        {
            "assessment": assessment,
            "orgs": orgs,
            "ratings": Vote.Rating.choices,
            "error": error,
            "done": done,
            "submitted": request.method == "POST" and not error,
            "is_open": assessment.state == Assessment.State.OPEN,
        },
        status=status,
    )
    response.set_signed_cookie(
        VOTER_COOKIE,
        token,
        salt=VOTER_SALT,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@require_GET
def bulletins(request: HttpRequest) -> HttpResponse:
    return render(
        request, "inspection/public/bulletins.html", {"bulletins": selectors.bulletins_public()[:200]}
    )


def _public_bulletin(pk: int) -> Bulletin:
    bulletin = selectors.bulletins_public().filter(pk=pk).first()
    if bulletin is None:
        raise Http404
    return bulletin


@require_GET
def bulletin(request: HttpRequest, pk: int) -> HttpResponse:
    found = _public_bulletin(pk)
    return render(request, "inspection/public/bulletin.html", {"bulletin": found, "data": found.data})


@require_GET
def bulletin_docx(request: HttpRequest, pk: int) -> HttpResponse:
    from gongkai.inspection.views.staff import docx_response

    return docx_response(_public_bulletin(pk))
