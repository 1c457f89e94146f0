"""The rows the permission sweep requests, built on first use from the shared tree (tests/conftest.py).

Everything the owner's side holds lies in union A1a or county A; the sibling users
(branch officer of union A1b, county B staff) hold the same rights one branch over.
Names that a list page shows are unique markers, so "the sibling's page does not show
the owner's row" is a plain substring test.
"""

from functools import cached_property

from django.core.files.base import ContentFile

from apps.accounts.models import SensitiveAccess
from apps.accounts.services import record_sensitive_access
from apps.imports.services import create_import_job
from apps.imports.validation import run_validation
from apps.members.models import MemberExport, Transfer
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
