"""One answer per person under concurrent posts on PostgreSQL: the same voter id posting from several requests at
once is counted once (the unique constraint decides; the loser gets the clear `already_answered` refusal)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from gongkai.core.errors import ApplicationError
from gongkai.outreach import services
from gongkai.outreach.models import SurveyAnswer, SurveyResponse
from tests.outreach.factories import make_outreach_agency, make_survey

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions are exercised on PostgreSQL"
)
def test_the_same_voter_posting_at_once_is_counted_once():
    survey = make_survey(make_outreach_agency("cc"))
    questions = list(survey.questions.prefetch_related("options"))
    answers = {q.pk: [str(q.options.all()[0].pk)] for q in questions if q.kind != "text"}
    racers = 6
    barrier = threading.Barrier(racers)
    codes: list[str] = []
    errors: list[BaseException] = []

    def post(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            services.survey_answer(
                survey=survey, voter="same-browser", address=f"203.0.113.{n}", answers=answers
            )
            codes.append("ok")
        except ApplicationError as exc:
            codes.append(exc.code)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(codes) == ["already_answered"] * (racers - 1) + ["ok"]
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert SurveyAnswer.objects.filter(response__survey=survey).count() == len(answers)
