"""Events, registrations, figures and hazards: each bad input refused clearly with nothing
written (issue 18 "Bad input"; rules per the issue)."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.http import Http404
from PIL import Image

from apps.events import services
from apps.events.choices import EventKind, EventStatus
from apps.events.models import Event, Hazard, Registration, TrainingFigure
from tests.employers.factories import EmployerFactory
from tests.members.factories import MemberFactory, id_number_for

from .factories import EventFactory, HazardFactory, LecturerFactory, VenueFactory, at


def _data(**over):
    return {"kind": EventKind.LECTURE, "title": "劳模精神进企业", "starts_at": at(20, 9), "ends_at": at(20, 11),
            "mode": "offline", "place": "二楼会议室", **over}


def test_create_event_with_a_city_lecturer_and_venue(tree, branch_officer):
    lecturer = LecturerFactory(organization=tree.city)
    venue = VenueFactory(organization=tree.city, name="临沂市工人文化宫")
    event = services.create_event(actor=branch_officer, organization=tree.union_a1a,
                                  data=_data(venue=venue, speakers=[lecturer]))
    assert event.status == EventStatus.PLANNED and list(event.speakers.all()) == [lecturer]


def test_an_event_ending_before_it_starts_is_refused(tree, branch_officer):
    with pytest.raises(ValidationError) as exc:
        services.create_event(actor=branch_officer, organization=tree.union_a1a,
                              data=_data(ends_at=at(20, 8)))
    assert "ends_at" in exc.value.message_dict
    assert not Event.objects.exists()


def test_negative_attendance_is_refused(tree, branch_officer):
    with pytest.raises(ValidationError):
        services.create_event(actor=branch_officer, organization=tree.union_a1a,
                              data=_data(expected_attendance=-5))
    assert not Event.objects.exists()


def test_the_database_refuses_an_end_before_the_start(tree, branch_officer):
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(organization=tree.union_a1a, created_by=branch_officer, starts_at=at(1, 10), ends_at=at(1, 9))


def test_an_organizer_outside_scope_is_a_field_error(tree, branch_officer):
    with pytest.raises(ValidationError) as exc:
        services.create_event(actor=branch_officer, organization=tree.union_a1b, data=_data())
    assert "organization" in exc.value.message_dict


def test_a_sibling_venue_is_not_in_the_registry(tree, branch_officer):
    venue = VenueFactory(organization=tree.union_a1b)
    with pytest.raises(ValidationError) as exc:
        services.create_event(actor=branch_officer, organization=tree.union_a1a, data=_data(venue=venue))
    assert "venue" in exc.value.message_dict


def test_leader_cannot_create_events(tree, leader):
    with pytest.raises(PermissionDenied):
        services.create_event(actor=leader, organization=tree.county_a, data=_data())


def test_sibling_cannot_mark_an_event_held(event, sibling_officer):
    with pytest.raises(Http404):
        services.mark_event_held(actor=sibling_officer, event=event, report="x", reported_attendance=3,
                                 online_views=None, now=at(10, 12))


def test_held_needs_a_start_passed_and_a_report(event, branch_officer):
    with pytest.raises(ValidationError):
        services.mark_event_held(actor=branch_officer, event=event, report="好", reported_attendance=1,
                                 online_views=None, now=at(9, 12))
    with pytest.raises(ValidationError):
        services.mark_event_held(actor=branch_officer, event=event, report=" ", reported_attendance=1,
                                 online_views=None, now=at(10, 12))
    held = services.mark_event_held(actor=branch_officer, event=event, report="到场踊跃", reported_attendance=120,
                                    online_views=None, now=at(10, 12))
    assert held.status == EventStatus.HELD and held.attendance == 120


def test_attendance_comes_from_checkins_when_used(event, branch_officer):
    event.reported_attendance, event.checkin_count = 300, 2
    assert event.attendance == 2 and event.uses_checkin
    event.checkin_count = 0
    assert event.attendance == 300 and not event.uses_checkin


def test_a_cancelled_event_cannot_be_held(event, branch_officer):
    services.cancel_event(actor=branch_officer, event=event, reason="暴雨")
    with pytest.raises(ValidationError):
        services.mark_event_held(actor=branch_officer, event=event, report="x", reported_attendance=1,
                                 online_views=None, now=at(10, 12))


@pytest.fixture
def future_event(tree, branch_officer):
    return EventFactory(organization=tree.union_a1a, created_by=branch_officer,
                        starts_at=at(10, 9, year=2099), ends_at=at(10, 11, year=2099))


def test_registering_a_member_twice_is_refused(tree, branch_officer, future_event):
    member = MemberFactory(organization=tree.union_a1a, id_number=id_number_for(4242), phone="13800001234")
    registration = services.register_member(actor=branch_officer, event=future_event, member=member)
    assert registration.id_last4 == member.id_number[-4:] and registration.phone_last4 == "1234"
    with pytest.raises(ValidationError) as exc:
        services.register_member(actor=branch_officer, event=future_event, member=member)
    assert exc.value.code == "registered_twice"
    assert Registration.objects.count() == 1


def test_a_sibling_member_cannot_be_registered(tree, branch_officer, future_event):
    member = MemberFactory(organization=tree.union_a1b, id_number=id_number_for(4243))
    with pytest.raises(Http404):
        services.register_member(actor=branch_officer, event=future_event, member=member)


def test_a_group_is_registered_all_or_nothing(branch_officer, future_event):
    services.register_group(actor=branch_officer, event=future_event, group="一车间", people=[("张三", "1234")])
    with pytest.raises(ValidationError):
        services.register_group(actor=branch_officer, event=future_event, group="一车间",
                                people=[("李四", "5678"), ("张三", "1234")])
    assert list(Registration.objects.values_list("name", flat=True)) == ["张三"]


def test_a_group_line_needs_four_characters(branch_officer, future_event):
    with pytest.raises(ValidationError):
        services.register_group(actor=branch_officer, event=future_event, group="g", people=[("张三", "12")])


def test_registration_closes_when_the_event_is_over(branch_officer, event):
    with pytest.raises(ValidationError):
        services.register_group(actor=branch_officer, event=event, group="g", people=[("张三", "1234")])


def test_self_registration_needs_a_phone(branch_officer, future_event):
    with pytest.raises(ValidationError):
        services.register_self(actor=branch_officer, event=future_event)
    branch_officer.phone = "13900005555"
    branch_officer.save()
    assert services.register_self(actor=branch_officer, event=future_event).phone_last4 == "5555"


def test_training_figures_per_employer(tree, branch_officer, employer):
    training = EventFactory(organization=tree.union_a1a, created_by=branch_officer, kind=EventKind.SAFETY_TRAINING)
    services.record_training_figures(actor=branch_officer, event=training, rows=[
        {"employer": employer, "sessions": 2, "trainees": 45}, {"employer": None, "sessions": 1, "trainees": 10}])
    assert sorted(TrainingFigure.objects.values_list("trainees", flat=True)) == [10, 45]


def test_training_figures_for_an_employer_out_of_scope_are_refused(tree, branch_officer):
    training = EventFactory(organization=tree.union_a1a, created_by=branch_officer, kind=EventKind.SAFETY_TRAINING)
    far = EmployerFactory(county=tree.county_b)
    with pytest.raises(ValidationError):
        services.record_training_figures(actor=branch_officer, event=training,
                                         rows=[{"employer": far, "sessions": 1, "trainees": 5}])
    assert not TrainingFigure.objects.exists()


def test_job_fair_hires_cannot_exceed_applicants(tree, branch_officer):
    fair = EventFactory(organization=tree.union_a1a, created_by=branch_officer, kind=EventKind.JOB_FAIR)
    with pytest.raises(ValidationError):
        services.record_job_fair(actor=branch_officer, event=fair, employers=10, positions=50, applicants=20,
                                 hires=30)
    figure = services.record_job_fair(actor=branch_officer, event=fair, employers=10, positions=50,
                                      applicants=20, hires=8)
    assert figure.hires == 8


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return SimpleUploadedFile("现场.png", out.getvalue(), content_type="image/png")


def test_photos_once_held_images_only(event, branch_officer):
    with pytest.raises(ValidationError):
        services.add_photo(actor=branch_officer, event=event, upload=_png())
    services.mark_event_held(actor=branch_officer, event=event, report="好", reported_attendance=3,
                             online_views=None, now=at(10, 12))
    photo = services.add_photo(actor=branch_officer, event=event, upload=_png())
    assert photo.content_type == "image/png"
    with pytest.raises(ValidationError):
        services.add_photo(actor=branch_officer, event=event,
                           upload=SimpleUploadedFile("x.png", b"%PDF-1.4\n%%EOF\n"))


# --- hazards -----------------------------------------------------------------------------------


def _hazard(employer, **over):
    return {"employer": employer, "found_on": datetime.date(2026, 3, 1), "place": "配电室",
            "description": "电缆裸露", "severity": "major", "deadline": datetime.date(2026, 3, 10), **over}


def test_hazard_rectified_before_found_is_refused(tree, branch_officer, employer):
    hazard = services.record_hazard(actor=branch_officer, organization=tree.union_a1a, data=_hazard(employer))
    with pytest.raises(ValidationError) as exc:
        services.record_rectification(actor=branch_officer, hazard=hazard, rectified_on=datetime.date(2026, 2, 1),
                                      rectification="已整改")
    assert "rectified_on" in exc.value.message_dict
    hazard.refresh_from_db()
    assert hazard.rectified_on is None


def test_the_database_refuses_a_rectification_before_the_find(tree, branch_officer, employer):
    with pytest.raises(IntegrityError), transaction.atomic():
        HazardFactory(organization=tree.union_a1a, employer=employer, recorded_by=branch_officer,
                      rectified_on=datetime.date(2026, 2, 1))


def test_hazard_deadline_before_found_is_refused(tree, branch_officer, employer):
    with pytest.raises(ValidationError):
        services.record_hazard(actor=branch_officer, organization=tree.union_a1a,
                               data=_hazard(employer, deadline=datetime.date(2026, 2, 1)))
    assert not Hazard.objects.exists()


def test_hazard_at_an_employer_out_of_scope_is_refused(tree, branch_officer):
    far = EmployerFactory(county=tree.county_b)
    with pytest.raises(ValidationError) as exc:
        services.record_hazard(actor=branch_officer, organization=tree.union_a1a, data=_hazard(far))
    assert "employer" in exc.value.message_dict


def test_overdue_is_flagged_until_rectified(tree, branch_officer, employer):
    hazard = services.record_hazard(actor=branch_officer, organization=tree.union_a1a, data=_hazard(employer))
    assert hazard.is_overdue(datetime.date(2026, 3, 11)) and not hazard.is_overdue(datetime.date(2026, 3, 10))
    services.record_rectification(actor=branch_officer, hazard=hazard, rectified_on=datetime.date(2026, 3, 12),
                                  rectification="更换电缆")
    hazard.refresh_from_db()
    assert not hazard.is_overdue(datetime.date(2026, 4, 1))


def test_verification_by_staff_of_a_rectified_hazard_only(tree, branch_officer, county_staff, employer):
    hazard = services.record_hazard(actor=branch_officer, organization=tree.union_a1a, data=_hazard(employer))
    with pytest.raises(PermissionDenied):
        services.verify_rectification(actor=branch_officer, hazard=hazard)
    with pytest.raises(ValidationError):
        services.verify_rectification(actor=county_staff, hazard=hazard)
    services.record_rectification(actor=branch_officer, hazard=hazard, rectified_on=datetime.date(2026, 3, 5),
                                  rectification="更换电缆")
    verified = services.verify_rectification(actor=county_staff, hazard=hazard)
    assert verified.verified_by == county_staff


def test_county_b_cannot_verify_county_a_hazard(tree, branch_officer, employer, request):
    from apps.accounts.roles import Role
    from tests.accounts.factories import UserFactory

    other = UserFactory(username="county_b", role=Role.COUNTY_STAFF, organization=tree.county_b)
    hazard = services.record_hazard(actor=branch_officer, organization=tree.union_a1a, data=_hazard(employer))
    services.record_rectification(actor=branch_officer, hazard=hazard, rectified_on=datetime.date(2026, 3, 5),
                                  rectification="更换电缆")
    with pytest.raises(Http404):
        services.verify_rectification(actor=other, hazard=hazard)


def test_a_new_feed_address_revokes_the_old(branch_officer):
    old = services.renew_calendar_feed(actor=branch_officer).token
    new = services.renew_calendar_feed(actor=branch_officer).token
    assert old != new
