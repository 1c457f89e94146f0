"""The rows the permission sweep requests, built on first use from the shared tree (tests/conftest.py).

Everything the owner's side holds lies in union A1a or county A; the sibling users
(branch officer of union A1b, county B staff) hold the same rights one branch over.
Names that a list page shows are unique markers, so "the sibling's page does not show
the owner's row" is a plain substring test.
"""

import datetime
from decimal import Decimal
from functools import cached_property

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import SensitiveAccess
from apps.accounts.services import record_sensitive_access
from apps.imports.services import create_import_job
from apps.imports.validation import run_validation
from apps.members.models import MemberExport, Transfer
from apps.assistance import services as assistance, services_aid
from apps.assistance.choices import FileStatus
from apps.assistance.models import AssistanceSettings, FollowUp, LivingStandard
from apps.competitions import services as competitions
from apps.events import services as events
from apps.events.tokens import checkin_token
from apps.notifications.models import Notification
from apps.reports.models import Report
from apps.notifications.services import notify
from tests.assistance.factories import advance, household_data
from tests.members.factories import MemberFactory, TransferFactory, id_number_for
from tests.members.roster_files import roster_rows, upload, xlsx_bytes
from tests.employers.factories import (
    DemonstrationSiteFactory,
    EmployerFactory,
    WorkInstructorFactory,
    credit_code,
)
from tests.members.factories import MemberFactory, TransferFactory, id_number_for
from tests.members.roster_files import roster_rows, upload, xlsx_bytes

MEMBER_NAME = "甲会员标记"
INCOMING_NAME = "丙转入标记"
EMPLOYER_NAME = "甲标记单位有限公司"
INSTRUCTOR_NAME = "甲标记指导员"
SITE_DEMONSTRATES = "甲标记示范内容"
ROSTER_FILE = "甲标记名册.xlsx"
LEDGER_FILE = "甲标记台账.xlsx"
HARDSHIP_NAME = "甲困难户标记"
ACTIVE_NAME = "甲帮扶户标记"
LEGAL_NAME = "甲维权职工标记"
CAMPAIGN_NAME = "甲区冬送温暖标记"
NOTIFICATION_TITLE = "甲标记通知"
COMPETITION_NAME = "甲区标记技能竞赛"
HONOREE_NAME = "甲标记劳模"
PAYMENT_NOTE = "甲标记拨付"
EVENT_TITLE = "甲标记宣讲报告会"
HELD_TITLE = "甲标记安全培训"
LECTURER_NAME = "甲标记宣讲员"
VENUE_NAME = "甲标记文化宫"
HAZARD_PLACE = "甲标记配电室"
HAZARD_FILE = "甲标记隐患.xlsx"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class World:
    """Users are the shared fixtures (asked for by name); rows are made when first read."""

    def __init__(self, request):
        self._request = request

    def user(self, key: str):
        return self._request.getfixturevalue(key)

    @cached_property
    def tree(self):
        return self._request.getfixturevalue("tree")

    @cached_property
    def member(self):
        """A current member of union A1a."""
        return MemberFactory(
            organization=self.tree.union_a1a, name=MEMBER_NAME, id_number=id_number_for(900_001)
        )

    @cached_property
    def incoming_transfer(self):
        """Pending, asked by union B1 (sending): union A1a (receiving) decides."""
        member = MemberFactory(
            organization=self.tree.union_b1, name=INCOMING_NAME, id_number=id_number_for(900_002)
        )
        return TransferFactory(
            member=member,
            to_organization=self.tree.union_a1a,
            initiated_by_side=Transfer.Side.SENDING,
            requested_by=self.user("branch_officer"),
        )

    @cached_property
    def outgoing_transfer(self):
        """Pending, asked by union A1a (sending) for its member: A1a may withdraw it."""
        return TransferFactory(
            member=self.member,
            to_organization=self.tree.union_b1,
            initiated_by_side=Transfer.Side.SENDING,
            requested_by=self.user("branch_officer"),
        )

    @cached_property
    def employer(self):
        """In county A, township A1, covered by union A1a."""
        t = self.tree
        return EmployerFactory(
            name=EMPLOYER_NAME,
            social_credit_code=credit_code(900_001),
            county=t.county_a,
            township=t.township_a1,
            covering_union=t.union_a1a,
        )

    @cached_property
    def instructor(self):
        """Sent by county A, working in county A."""
        return WorkInstructorFactory(
            name=INSTRUCTOR_NAME, sent_by=self.tree.county_a, county=self.tree.county_a
        )

    @cached_property
    def site(self):
        return DemonstrationSiteFactory(organization=self.tree.union_a1a, demonstrates=SITE_DEMONSTRATES)

    @cached_property
    def roster_job(self):
        """A validated one-row roster upload into union A1a."""
        job = create_import_job(
            kind="roster",
            organization=self.tree.union_a1a,
            uploaded_by=self.user("branch_officer"),
            uploaded_file=upload(xlsx_bytes(roster_rows(1)), ROSTER_FILE),
            enqueue=False,
        )
        return run_validation(job_id=job.pk)

    @cached_property
    def ledger_job(self):
        """A validated one-row employer ledger upload into county A."""
        row = {
            "单位名称": "上传单位有限公司",
            "统一社会信用代码": credit_code(900_002),
            "乡镇(街道)": "CA1",
            "职工人数": "30",
            "状态": "正常",
        }
        job = create_import_job(
            kind="employers",
            organization=self.tree.county_a,
            uploaded_by=self.user("county_staff"),
            uploaded_file=upload(xlsx_bytes([row]), LEDGER_FILE),
            enqueue=False,
        )
        return run_validation(job_id=job.pk)

    @cached_property
    def sensitive_access(self):
        """Union A1a's branch officer read the member's full ID number (the access log's row)."""
        return record_sensitive_access(
            actor=self.user("branch_officer"),
            action=SensitiveAccess.Action.REVEAL,
            subject=self.member,
            organization=self.tree.union_a1a,
            detail="id_number",
        )

    @cached_property
    def member_export(self):
        """A finished background export of union A1a's branch officer (its requester alone may read it)."""
        return MemberExport.objects.create(
            requested_by=self.user("branch_officer"),
            status=MemberExport.Status.DONE,
            rows=1,
            file=ContentFile(b"PK-not-really-xlsx", name="members.xlsx"),
        )

    @cached_property
    def report(self):
        """A generated monthly report of union A1a asked for by its branch officer, both files kept."""
        return Report.objects.create(
            kind="monthly_statistics", organization=self.tree.union_a1a, requested_by=self.user("branch_officer"),
            period_start=datetime.date(2026, 10, 1), period_end=datetime.date(2026, 10, 31),
            status=Report.Status.DONE, progress=100,
            xlsx_file=ContentFile(b"PK-not-really-xlsx", name="report.xlsx"),
            pdf_file=ContentFile(PDF, name="report.pdf"),
        )

    # --- assistance and notifications ---------------------------------------------------

    def _hardship_file(self, name: str, n: int, to: str):
        LivingStandard.objects.get_or_create(county=self.tree.county_a, effective_from=datetime.date(2020, 1, 1),
                                             defaults={"monthly_amount": Decimal(800)})
        data, household = household_data(n, head_name=name)
        officer = self.user("branch_officer")
        file = assistance.create_file(actor=officer, organization=self.tree.union_a1a, data=data,
                                      household=household)
        return advance(file, to, officer=officer, county=self.user("county_staff"), city=self.user("city_staff"))

    @cached_property
    def hardship_file(self):
        """A draft of union A1a: the branch edits, submits; the sweep's step URLs answer with a message."""
        return self._hardship_file(HARDSHIP_NAME, 910_001, FileStatus.DRAFT)

    @cached_property
    def active_file(self):
        """An active file of union A1a with one given record (money that counts in the totals)."""
        file = self._hardship_file(ACTIVE_NAME, 910_002, FileStatus.ACTIVE)
        services_aid.record_assistance(actor=self.user("county_staff"), file=file, data={
            "kind": "winter_warmth", "amount": "300.00", "given_on": datetime.date.today(),
            "fund_source": "upper_subsidy", "delivered_by": "兰山区总工会"})
        return file

    @cached_property
    def pending_record(self):
        """Money above the threshold recorded by union A1a's officer: county A approves it."""
        AssistanceSettings.objects.get_or_create(defaults={"approval_threshold": Decimal(1000)})
        return services_aid.record_assistance(actor=self.user("branch_officer"), file=self.active_file, data={
            "kind": "medical", "amount": "5000.00", "given_on": datetime.date.today(), "fund_source": "own_funds",
            "delivered_by": "甲公司工会"})

    @cached_property
    def follow_up(self):
        file = self._hardship_file("甲脱困户", 910_003, FileStatus.EXITED)
        return FollowUp.objects.filter(file=file).order_by("months").first()

    @cached_property
    def problem(self):
        visit = services_aid.record_visit(
            actor=self.user("branch_officer"), file=self.active_file,
            data={"visited_on": datetime.date.today(), "visitors": "王强", "findings": "屋顶漏雨"},
            problems=[{"description": "修屋顶", "due_on": datetime.date.today()}])
        return visit.problems.get()

    @cached_property
    def attachment(self):
        return assistance.add_attachment(actor=self.user("branch_officer"), file=self.hardship_file, kind="income",
                                         upload=SimpleUploadedFile("证明.pdf", PDF))

    @cached_property
    def legal_case(self):
        return services_aid.create_legal_case(actor=self.user("branch_officer"), organization=self.tree.union_a1a, data={
            "worker_name": LEGAL_NAME, "dispute_kind": "wages", "handler": "律师", "stage": "accepted",
            "opened_on": datetime.date.today()})

    @cached_property
    def campaign(self):
        """County A's winter campaign with union A1a's active household chosen."""
        campaign = services_aid.create_campaign(
            actor=self.user("county_staff"), organizer=self.tree.county_a,
            data={"season": "winter", "year": datetime.date.today().year, "name": CAMPAIGN_NAME, "budget": "5000"},
            allocations={self.tree.county_a: "5000"})
        services_aid.select_campaign_files(actor=self.user("county_staff"), campaign=campaign,
                                           files=[self.active_file])
        return campaign

    @cached_property
    def recipient(self):
        return self.campaign.recipients.get()

    @cached_property
    def notification(self):
        """A notification of union A1a's branch officer."""
        (pk,) = notify(recipients=[self.user("branch_officer")], title=NOTIFICATION_TITLE)
        return Notification.objects.get(pk=pk)

    # --- competitions (issue 17) ---------------------------------------------------------

    @cached_property
    def competition(self):
        """County A's running county-level skills competition: a stage, union A1a's team, a rules PDF."""
        from tests.competitions.factories import make_competition

        county = self.user("county_staff")
        competition = make_competition(county, self.tree.county_a, start=True, level="county", kind="skills",
                                       name=COMPETITION_NAME)
        competitions.add_stage(actor=county, competition=competition, name="决赛")
        competitions.add_team(actor=county, competition=competition, organization=self.tree.union_a1a, name="甲队")
        competitions.add_rules_attachment(actor=county, competition=competition,
                                          upload=SimpleUploadedFile("细则.pdf", PDF))
        return competition

    @cached_property
    def stage(self):
        return self.competition.stages.get()

    @cached_property
    def team(self):
        return self.competition.teams.get()

    @cached_property
    def rules_attachment(self):
        return self.competition.attachments.get()

    @cached_property
    def honor(self):
        """A county honor of union A1a's member, recorded by county A."""
        from apps.competitions.models import HonorKind

        return competitions.record_honor(actor=self.user("county_staff"), kind=HonorKind.objects.get(code="model_worker"),
                                         level="county", year=2026, organization=self.tree.union_a1a,
                                         id_number=id_number_for(920_001), honoree=HONOREE_NAME)

    @cached_property
    def enterprise(self):
        """The world's employer (county A, covered by union A1a) named at city level with a grant, one payment."""
        from apps.competitions.models import SpecialFund

        city = self.user("city_staff")
        SpecialFund.objects.get_or_create(name="专项资金", defaults={"owner": self.tree.city, "budget": Decimal(2_000_000)})
        enterprise = competitions.name_innovation_enterprise(actor=city, employer=self.employer, level="city",
                                                             year_named=2026, granted="10000")
        competitions.record_fund_payment(actor=city, enterprise=enterprise, amount="5000",
                                         paid_on=datetime.date.today(), note=PAYMENT_NOTE)
        return enterprise

    # --- events (issue 18) ------------------------------------------------------------------

    @cached_property
    def event(self):
        """A planned lecture of union A1a a week ahead, with one registered group member."""
        start = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7)).replace(microsecond=0)
        event = events.create_event(actor=self.user("branch_officer"), organization=self.tree.union_a1a, data={
            "kind": "lecture", "title": EVENT_TITLE, "starts_at": start, "ends_at": start + datetime.timedelta(hours=2),
            "mode": "offline", "place": "会议室"})
        events.register_group(actor=self.user("branch_officer"), event=event, group="一车间",
                              people=[("甲参会人", "1234")])
        return event

    @property
    def checkin(self):
        return {"pk": self.event.pk, "token": checkin_token(self.event)}

    @cached_property
    def registration(self):
        return self.event.registrations.get()

    @cached_property
    def held_event(self):
        """A safety training of union A1a held yesterday, with a photo."""
        start = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)).replace(microsecond=0)
        officer = self.user("branch_officer")
        event = events.create_event(actor=officer, organization=self.tree.union_a1a, data={
            "kind": "safety_training", "title": HELD_TITLE, "starts_at": start,
            "ends_at": start + datetime.timedelta(hours=2), "mode": "offline", "place": "车间"})
        return events.mark_event_held(actor=officer, event=event, report="培训顺利", reported_attendance=30,
                                      online_views=None)

    @cached_property
    def job_fair(self):
        start = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=2)).replace(microsecond=0)
        return events.create_event(actor=self.user("branch_officer"), organization=self.tree.union_a1a, data={
            "kind": "job_fair", "title": "甲标记招聘会", "starts_at": start,
            "ends_at": start + datetime.timedelta(hours=3), "mode": "online"})

    @cached_property
    def photo(self):
        import io

        from PIL import Image

        out = io.BytesIO()
        Image.new("RGB", (4, 4), "blue").save(out, format="PNG")
        return events.add_photo(actor=self.user("branch_officer"), event=self.held_event,
                                upload=SimpleUploadedFile("现场.png", out.getvalue()))

    @cached_property
    def lecturer(self):
        """Kept by county A: its staff edit it, union A1a picks it, county B sees nothing of it."""
        return events.save_lecturer(actor=self.user("county_staff"), organization=self.tree.county_a,
                                    data={"name": LECTURER_NAME, "group": "沂蒙劳模宣讲团", "is_model_worker": True,
                                          "active": True}, talks=["劳模精神"])

    @cached_property
    def venue(self):
        return events.save_venue(actor=self.user("county_staff"), organization=self.tree.county_a,
                                 data={"name": VENUE_NAME, "active": True})

    @cached_property
    def hazard(self):
        """A hazard at the marker employer, recorded by union A1a, rectified (so it may be verified)."""
        officer = self.user("branch_officer")
        hazard = events.record_hazard(actor=officer, organization=self.tree.union_a1a, data={
            "employer": self.employer, "found_on": datetime.date.today() - datetime.timedelta(days=10),
            "place": HAZARD_PLACE, "description": "电缆裸露", "severity": "major",
            "deadline": datetime.date.today() - datetime.timedelta(days=5)})
        return hazard

    @cached_property
    def hazard_job(self):
        """A validated one-row hazard upload into union A1a."""
        row = {"统一社会信用代码": self.employer.social_credit_code, "检查日期": "2026-03-01",
               "隐患部位": "仓库", "隐患描述": "灭火器过期", "整改期限": "2026-03-15"}
        job = create_import_job(kind="hazards", organization=self.tree.union_a1a,
                                uploaded_by=self.user("branch_officer"),
                                uploaded_file=upload(xlsx_bytes([row]), HAZARD_FILE), enqueue=False)
        return run_validation(job_id=job.pk)

    @cached_property
    def feed(self):
        return events.renew_calendar_feed(actor=self.user("branch_officer"))
