"""The nightly pipeline on a real Celery worker over Redis and PostgreSQL (issue 3).

On a bare machine these skip saying what to install; under CI=true they must run.
"""

from __future__ import annotations

import copy
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from harvesting import services, tasks
from harvesting.models import HarvestRun, HarvestRunItem, Proposal
from harvesting.workers import workers_available
from tests.support import holbrook
from tests.support.commands import run, run_json
from tests.support.components import require
from tests.support.worker import require_worker_components, start_worker

pytestmark = pytest.mark.django_db(transaction=True)
KEYS = ["holbrook", "avery", "castillo"]


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        redis_url = require_worker_components()
        started = start_worker(redis_url)
    yield started
    started.stop()


def load_households(tmp_path):
    holbrook.load(tmp_path)
    for key in KEYS[1:]:
        doc = copy.deepcopy(holbrook.HOUSEHOLD)
        doc["key"], doc["name"] = key, f"{key.title()} household"
        path = tmp_path / f"{key}.json"
        path.write_text(__import__("json").dumps(doc))
        run("import_household", str(path))


def test_a_run_over_several_households_completes_on_the_worker(worker, tmp_path):
    load_households(tmp_path)
    assert workers_available()
    summary = run_json("harvest_scan", "--as-of", holbrook.AS_OF.isoformat())
    assert summary["households"] == 3
    assert summary["proposals_created"] == 3
    assert summary["errors"] == []
    run_row = HarvestRun.objects.get(pk=summary["run"])
    assert run_row.status == HarvestRun.DONE
    assert set(run_row.items.values_list("status", flat=True)) == {HarvestRunItem.DONE}

    again = run_json("harvest_scan", "--as-of", holbrook.AS_OF.isoformat())
    assert again["proposals_created"] == 0
    assert Proposal.objects.count() == 3


def test_a_redelivered_chunk_leaves_one_proposal_per_household(worker, tmp_path):
    """A worker that died after writing one household's proposal, before marking it done,
    and a duplicate delivery of the same chunk: still exactly one proposal each."""
    load_households(tmp_path)
    run_row = services.harvest_run_start(as_of=holbrook.AS_OF, trigger="test", inline=True)
    ids = list(run_row.items.values_list("household_id", flat=True))
    # Simulate the crash: the items go back to pending, proposals stay.
    HarvestRunItem.objects.filter(run=run_row).update(status=HarvestRunItem.PENDING)
    HarvestRun.objects.filter(pk=run_row.pk).update(status=HarvestRun.RUNNING)
    Proposal.objects.exclude(household__key="holbrook").delete()
    results = [tasks.harvest_chunk_scan.delay(run_row.id, ids) for _ in range(2)]
    for result in results:
        result.get(timeout=120)
    assert sorted(Proposal.objects.values_list("household__key", flat=True)) == sorted(KEYS)
    run_row.refresh_from_db()
    assert run_row.status == HarvestRun.DONE


def test_one_households_failure_is_recorded_without_stopping_the_others(worker, tmp_path):
    load_households(tmp_path)
    from portfolios.models import TaxProfile

    # A rate above 1 cannot come through an import; write it behind the services' back to
    # make the engine refuse this household's tax context.
    TaxProfile.objects.filter(household__key="avery").update(lt_rate="2.5")
    summary = run_json("harvest_scan", "--as-of", holbrook.AS_OF.isoformat())
    assert summary["proposals_created"] == 2
    assert [e["household"] for e in summary["errors"]] == ["avery"]


def test_two_approvals_at_once_succeed_once(tmp_path):
    require(connection.vendor == "postgresql", "PostgreSQL for concurrent connections",
            "install postgresql and set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test")
    holbrook.load(tmp_path)
    run_json("harvest_scan", "--as-of", holbrook.AS_OF.isoformat())
    proposal = Proposal.objects.get()
    quinn = get_user_model().objects.get(username="quinn")
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def approve():
        from django.db import connections

        try:
            barrier.wait()
            services.proposal_approve(proposal=Proposal.objects.get(pk=proposal.pk),
                                      actor=quinn, today=holbrook.AS_OF)
            outcomes.append("approved")
        except services.ProposalRefused as exc:
            outcomes.append(f"refused: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o.split(":")[0] for o in outcomes) == ["approved", "refused"]
    from advisors.models import AuditEvent

    assert AuditEvent.objects.filter(verb="proposal.approved").count() == 1
