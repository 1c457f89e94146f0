"""A django-import-export Resource for Member, written the way its documentation shows:
the comparison "what a developer would otherwise build" in `manage.py benchmark`.

Only the benchmark imports this module; django-import-export is a dev requirement and
its admin is not part of the portal. Defaults are kept (row-by-row save, one lookup per
row by the import id, among current memberships); only what the file needs is added:
Chinese headers, the Chinese words of the choice columns, the birth date from the ID
number, the union.
"""

from import_export import fields, resources

from apps.core.validators import resident_id_birth_date
from apps.members.cleaning import parse_choice
from apps.members.models import CURRENT_STATUSES, Education, Member, PoliticalStatus, Sex, WorkerCategory

CHOICE_COLUMNS = {"政治面貌": PoliticalStatus, "学历": Education, "职工类别": WorkerCategory, "性别": Sex}


BULK_BATCH_SIZE = 1000


def member_resource_for(organization, *, bulk: bool = False):
    """A MemberResource class that files every row into `organization`; `bulk`: with the
    options its documentation gives for large imports — use_bulk (bulk_create/bulk_update in
    batches of batch_size; no save(), so no history rows either) and skip_diff (no
    before/after comparison of each row)."""

    class MemberResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="姓名")
        id_number = fields.Field(attribute="id_number", column_name="公民身份号码")
        sex = fields.Field(attribute="sex", column_name="性别")
        phone = fields.Field(attribute="phone", column_name="手机号码")
        ethnicity = fields.Field(attribute="ethnicity", column_name="民族")
        political_status = fields.Field(attribute="political_status", column_name="政治面貌")
        education = fields.Field(attribute="education", column_name="学历")
        employer_name = fields.Field(attribute="employer_name", column_name="工作单位")
        joined_on = fields.Field(attribute="joined_on", column_name="入会日期")
        worker_category = fields.Field(attribute="worker_category", column_name="职工类别")
        card_number = fields.Field(attribute="card_number", column_name="会员证号")

        class Meta:
            model = Member
            import_id_fields = ("id_number",)
            fields = ("name", "id_number", "sex", "phone", "ethnicity", "political_status", "education",
                      "employer_name", "joined_on", "worker_category", "card_number")
            use_bulk = bulk
            skip_diff = bulk
            batch_size = BULK_BATCH_SIZE  # its default, named: used by the bulk path only

        def get_queryset(self):
            # A row is matched to the person's CURRENT membership (earlier ones stay on the
            # roll beside it): what any import into this schema must ask, and what the
            # partial unique index answers (an id_number lookup over every status would
            # scan the table: the member table has no plain id_number index).
            return Member.objects.filter(status__in=CURRENT_STATUSES)

        def before_import_row(self, row, **kwargs):
            for header, choices in CHOICE_COLUMNS.items():
                row[header] = parse_choice(choices, row[header])
            row["入会日期"] = row["入会日期"] or None

        def before_save_instance(self, instance, row, **kwargs):
            instance.organization = organization
            instance.birth_date = resident_id_birth_date(instance.id_number)

    return MemberResource
