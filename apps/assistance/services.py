"""Every write to a hardship file: create, edit, the workflow's steps, documents, full reads.

The workflow (DESIGN.md "Hardship case workflow", issue 16 item 3):

    draft ──submit (branch)──▶ submitted ──review (county)──▶ reviewed ──approve (city)──▶ active
      ▲                           │                              │                          │
      └────────── reject, with the reason (the level whose step it is) ◀──────────────────┘  │
    active ──re-verification (branch)──▶ reverifying ──renew (county)──▶ active (a year more)
                                              └──exit (county)──▶ exited ◀──exit (county)── active
    exited ──a follow-up finds it slipped back (branch)──▶ draft (the same file, its history kept)

Every step:
- is taken by the level that owns it: the capability of that level (assistance.submit,
  .review, .approve: apps.accounts.roles) and the file in the actor's scope (else 404);
- never by the person who submitted or reviewed the file in this round (four eyes);
- is refused when the file is not at the step's starting status (out of order);
- carries the version of the file the clerk saw: the row is locked (SELECT … FOR UPDATE)
  and a different version means somebody else acted first — "this file was just changed
  by …", nothing written. So of two clerks acting at the same moment one wins;
- writes one FileEvent (who, when, from, to, why) on the file's timeline, and tells the
  next level through apps.notifications.
"""

import datetime
import hashlib
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import SensitiveAccess, User
from apps.accounts.roles import CAPABILITIES
from apps.accounts.services import record_sensitive_access
from apps.core.validators import (
    clean_text,
    normalize_person_name,
    normalize_phone,
    normalize_resident_id,
    validate_not_future,
)
from apps.members.selectors import current_membership
from apps.notifications.services import notify
from apps.organizations.models import Organization
from apps.organizations.scope import ensure_visible, is_in_scope

from .attachments import checked_upload
from .choices import OPEN_STATUSES, Category, Cause, ExitReason, FileStatus, Health, Relation
from .models import (
    ABSURD_AMOUNT,
    AssistanceSettings,
    Attachment,
    FileEvent,
    FollowUp,
    HardshipFile,
    HouseholdMember,
    LivingStandard,
)

CENT = Decimal("0.01")
MAX_HOUSEHOLD = 30
# A household's monthly income beyond this is a typing error, not a hardship case.
MAX_MONTHLY_INCOME = Decimal(1000000)
FOLLOW_UP_MONTHS = (6, 12)
Action = FileEvent.Action


# --- helpers ----------------------------------------------------------------------------------


def _require(user, capability: str) -> None:
    if not user.has_capability(capability):
        raise PermissionDenied


def assistance_settings() -> AssistanceSettings:
    """The city's settings row, or the defaults when the administrator never saved one."""
    return AssistanceSettings.objects.order_by("pk").first() or AssistanceSettings()


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def holders(capability: str, organization: Organization) -> list[int]:
    """Active users holding `capability` whose organization is `organization` or above it:
    the people whose step it is (a county's reviewers, the city's approvers)."""
    roles = CAPABILITIES[capability]
    prefixes = [organization.path[: i + 1] for i, c in enumerate(organization.path) if c == "/" and i > 0]
    return list(
        User.objects.filter(is_active=True, role__in=roles, organization__path__in=prefixes).values_list(
            "pk", flat=True
        )
    )


def file_url(file: HardshipFile) -> str:
    return reverse("assistance:file_detail", kwargs={"pk": file.pk})


def _tell(recipient_ids, file: HardshipFile, *, kind: str, title: str, body: str = "", exclude=None) -> None:
    ids = [pk for pk in recipient_ids if pk is not None and pk != getattr(exclude, "pk", exclude)]
    if ids:
        notify(recipients=ids, title=title, body=body, url=file_url(file), kind=f"assistance.{kind}")


# --- what a clerk enters ---------------------------------------------------------------------


def parse_money(value, *, field: str, errors: dict, required: bool = True) -> Decimal | None:
    """Yuan as Decimal with at most two places, never negative, never absurd."""
    if value in (None, ""):
        if required:
            errors[field] = _("Enter an amount in yuan.")
        return None
    try:
        amount = value if isinstance(value, Decimal) else Decimal(clean_text(value).replace(",", ""))
    except InvalidOperation:
        errors[field] = _("%(value)s is not an amount in yuan.") % {"value": value}
        return None
    if not amount.is_finite():
        errors[field] = _("%(value)s is not an amount in yuan.") % {"value": value}
        return None
    if amount < 0:
        errors[field] = _("An amount cannot be negative.")
    elif amount >= ABSURD_AMOUNT:
        errors[field] = _("%(value)s yuan is not a plausible amount.") % {"value": amount}
    elif amount != amount.quantize(CENT):
        errors[field] = _("Give the amount in yuan with at most two decimal places (fen).")
    return amount


def expected_income_per_head(monthly_income: Decimal, household_size: int) -> Decimal:
    return (monthly_income / household_size).quantize(CENT, rounding=ROUND_HALF_UP)


def living_standard_on(*, county: Organization | None, day: datetime.date) -> LivingStandard | None:
    """The county's minimum living standard in force on `day` (the latest from that day back)."""
    if county is None:
        return None
    return (
        LivingStandard.objects.filter(county=county, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )


def suggest_category(income_per_head: Decimal, standard: Decimal) -> str:
    """Below the county's minimum living standard: deep hardship; below twice it: relative
    hardship; otherwise no suggestion (an accident may still put a household in hardship)."""
    if income_per_head < standard:
        return Category.DEEP
    if income_per_head < 2 * standard:
        return Category.RELATIVE
    return ""


def clean_person(raw: dict, errors: dict, *, name_field: str, id_field: str, id_required: bool) -> dict:
    """A person's name and resident ID number by the roll's validators; errors by field."""
    cleaned = {}
    try:
        cleaned[name_field] = normalize_person_name(raw.get(name_field))
    except ValidationError as exc:
        errors[name_field] = exc.messages
    number = raw.get(id_field)
    if number in (None, "") and not id_required:
        cleaned[id_field] = ""
        return cleaned
    try:
        cleaned[id_field] = normalize_resident_id(number)
    except ValidationError as exc:
        errors[id_field] = exc.messages
    return cleaned


def _clean_household(rows, errors: dict) -> list[dict]:
    cleaned = []
    problems = []
    for index, raw in enumerate(rows, start=1):
        row = {
            "name": raw.get("name"),
            "relation": raw.get("relation") or "",
            "id_number": raw.get("id_number") or "",
            "health": raw.get("health") or Health.HEALTHY,
            "occupation": clean_text(raw.get("occupation"))[:100],
        }
        try:
            row["name"] = normalize_person_name(row["name"])
        except ValidationError as exc:
            problems.append(_("Household member %(n)d: %(error)s") % {"n": index, "error": exc.messages[0]})
        if row["relation"] not in Relation.values:
            problems.append(_("Household member %(n)d: choose the relation.") % {"n": index})
        if row["health"] not in Health.values:
            problems.append(_("Household member %(n)d: choose the state of health.") % {"n": index})
        if row["id_number"]:
            try:
                row["id_number"] = normalize_resident_id(row["id_number"])
            except ValidationError as exc:
                problems.append(_("Household member %(n)d: %(error)s") % {"n": index, "error": exc.messages[0]})
        cleaned.append(row)
    if problems:
        errors["household"] = problems
    return cleaned


def clean_file_input(raw: dict, household_rows, *, organization: Organization) -> tuple[dict, list[dict]]:
    """The stored values of a file (and its household) from what a clerk entered, or one
    ValidationError naming every bad field. The rules (issue 16 item 1):

    - the head's resident ID number, name and phone pass the roll's validators;
    - household size is the head and the members listed (1–30);
    - income per head is the household's monthly income divided by its size, to the fen
      (an entered figure that does not match is refused, not corrected);
    - the category suggested is the one the county's minimum living standard on the file's
      date gives (below it deep, below twice it relative); another category needs a reason.
    """
    errors: dict = {}
    data: dict = {}
    data.update(clean_person(raw, errors, name_field="head_name", id_field="head_id_number", id_required=True))
    phone = clean_text(raw.get("head_phone"))
    if phone:
        try:
            phone = normalize_phone(phone)
        except ValidationError as exc:
            errors["head_phone"] = exc.messages
    data["head_phone"] = phone
    for field, limit in (("employer_name", 200), ("address", 200), ("cause_note", 300),
                         ("category_reason", 300), ("bank_name", 100)):
        data[field] = clean_text(raw.get(field))[:limit]
    if not data["address"]:
        errors["address"] = _("Give the household's address.")
    account = clean_text(raw.get("bank_account")).replace(" ", "")
    if account and not (account.isdigit() and 8 <= len(account) <= 30):
        errors["bank_account"] = _("A bank account number has 8 to 30 digits.")
    data["bank_account"] = account
    causes = list(dict.fromkeys(raw.get("causes") or []))
    if not causes:
        errors["causes"] = _("Choose at least one cause of the hardship.")
    elif any(c not in Cause.values for c in causes):
        errors["causes"] = _("Choose the causes from the list.")
    elif Cause.OTHER in causes and not data["cause_note"]:
        errors["cause_note"] = _("Say what the other cause is.")
    data["causes"] = causes

    household = _clean_household(household_rows or [], errors)
    try:
        size = int(raw.get("household_size"))
    except (TypeError, ValueError):
        errors["household_size"] = _("Give the number of people in the household.")
        size = None
    if size is not None:
        if not 1 <= size <= MAX_HOUSEHOLD:
            errors["household_size"] = _("A household has 1 to %(max)d people.") % {"max": MAX_HOUSEHOLD}
        elif household_rows is not None and size != len(household) + 1:
            errors["household_size"] = _(
                "The household size (%(size)d) is not the head and the %(members)d household members listed."
            ) % {"size": size, "members": len(household)}
    data["household_size"] = size

    income = parse_money(raw.get("monthly_income"), field="monthly_income", errors=errors)
    if income is not None and income >= MAX_MONTHLY_INCOME:
        errors["monthly_income"] = _("%(value)s yuan is not a plausible amount.") % {"value": income}
    per_head = parse_money(raw.get("income_per_head"), field="income_per_head", errors=errors)
    if income is not None and per_head is not None and size and "household_size" not in errors:
        expected = expected_income_per_head(income, size)
        if per_head != expected and "income_per_head" not in errors:
            errors["income_per_head"] = _(
                "Income per head %(given)s does not match %(income)s yuan for %(size)d people "
                "(%(expected)s yuan each)."
            ) % {"given": per_head, "income": income, "size": size, "expected": expected}
    data["monthly_income"], data["income_per_head"] = income, per_head

    file_date = raw.get("file_date") or timezone.localdate()
    if isinstance(file_date, str):
        try:
            file_date = datetime.date.fromisoformat(file_date)
        except ValueError:
            errors["file_date"] = _("Give the date of the figures as 2026-01-15.")
            file_date = timezone.localdate()
    try:
        validate_not_future(file_date)
    except ValidationError as exc:
        errors["file_date"] = exc.messages
    data["file_date"] = file_date
    standard = living_standard_on(county=organization.county, day=file_date)
    if standard is None:
        errors["file_date"] = _(
            "No minimum living standard is set for %(county)s on %(date)s; ask the city federation to enter it."
        ) % {"county": organization.county or organization, "date": file_date.isoformat()}
    data["living_standard"] = standard.monthly_amount if standard else Decimal(0)

    category = raw.get("category") or ""
    suggested = suggest_category(per_head, data["living_standard"]) if per_head is not None and standard else ""
    if category not in Category.values:
        errors["category"] = _("Choose the category.")
    elif category != suggested and not data["category_reason"] and "income_per_head" not in errors:
        errors["category_reason"] = (
            _("The figures suggest %(suggested)s; give the reason for choosing %(category)s.")
            % {"suggested": Category(suggested).label, "category": Category(category).label}
            if suggested
            else _("Income per head is at least twice the minimum living standard; give the reason for "
                   "choosing %(category)s.") % {"category": Category(category).label}
        )
    data["category"], data["suggested_category"] = category, suggested
    if category == suggested:
        data["category_reason"] = ""
    if errors:
        raise ValidationError(errors)
    return data, household


def check_not_in_open_file(id_numbers, *, exclude_file_id: int | None = None) -> None:
    """Refuse a person (head or household member) who is in another open file already, naming
    the union that holds it (issue 16 item 2): never a second file for a household."""
    numbers = [n for n in id_numbers if n]
    if not numbers:
        return
    open_files = HardshipFile.objects.filter(status__in=OPEN_STATUSES).exclude(pk=exclude_file_id)
    holder = (
        open_files.filter(head_id_number__in=numbers).select_related("organization").first()
        or open_files.filter(household__id_number__in=numbers).select_related("organization").first()
    )
    if holder is not None:
        raise ValidationError(
            {
                "head_id_number": ValidationError(
                    _("This household already has an open hardship file, kept by %(union)s.")
                    % {"union": holder.organization.name},
                    code="open_file_elsewhere",
                )
            }
        )


def _save_household(file: HardshipFile, household: list[dict]) -> None:
    file.household.all().delete()
    HouseholdMember.objects.bulk_create([HouseholdMember(file=file, **row) for row in household])


def _event(file: HardshipFile, action: str, actor, *, at, from_status: str = "", reason: str = "") -> FileEvent:
    return FileEvent.objects.create(
        file=file, action=action, from_status=from_status, to_status=file.status, actor=actor, at=at,
        reason=(reason or "").strip(),
    )


def _save_file(file: HardshipFile) -> None:
    """Save, turning a second open file for the household (a race past the check) into its message."""
    try:
        with transaction.atomic():
            file.save()
    except IntegrityError as exc:
        if "hardship_one_open_file_per_household" in str(exc):
            check_not_in_open_file([file.head_id_number], exclude_file_id=file.pk)
            raise ValidationError(
                {"head_id_number": _("This household already has an open hardship file.")}
            ) from exc
        raise


# --- create and edit (branch) ------------------------------------------------------------------


@transaction.atomic
def create_file(*, actor, organization: Organization, data: dict, household: list[dict]) -> HardshipFile:
    """Open a draft file for a household of a union in the actor's scope (assistance.submit).
    The head may be a member (linked by the ID number) or a worker who is not one yet."""
    _require(actor, "assistance.submit")
    ensure_visible(actor, organization)
    cleaned, members = clean_file_input(data, household, organization=organization)
    check_not_in_open_file([cleaned["head_id_number"], *(m["id_number"] for m in members)])
    now = timezone.now()
    file = HardshipFile(
        organization=organization, **cleaned, status=FileStatus.DRAFT, status_changed_at=now,
        created_by=actor, updated_by=actor, updated_at=now,
        head_member=current_membership(id_number=cleaned["head_id_number"]),
    )
    _save_file(file)
    _save_household(file, members)
    _event(file, Action.CREATED, actor, at=now)
    return file


def _stale_error(file: HardshipFile) -> ValidationError:
    return ValidationError(
        _("This file was just changed by %(user)s at %(time)s; nothing was saved. Reload it to see the change.")
        % {
            "user": file.updated_by.get_full_name() or file.updated_by.get_username(),
            "time": timezone.localtime(file.updated_at).strftime("%Y-%m-%d %H:%M:%S"),
        },
        code="stale",
    )


def _lock(file: HardshipFile, actor, expected_version) -> HardshipFile:
    """The file's row, locked until the transaction ends; 404 outside scope; refused when it
    is no longer the version the clerk saw."""
    # No joins in the locking query: when the first clerk's UPDATE changed a joined column
    # (updated_by), PostgreSQL's re-check of the waiting query would drop the row (it keeps
    # the old joined rows), and the second clerk would find no file instead of a changed one.
    locked = HardshipFile.objects.select_for_update().get(pk=file.pk)
    ensure_visible(actor, locked.organization)
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        expected = None
    if expected != locked.version:
        raise _stale_error(locked)
    return locked


@transaction.atomic
def update_file(*, actor, file: HardshipFile, expected_version, data: dict, household: list[dict]) -> HardshipFile:
    """Change a draft (a file returned to draft included). Submitted files are not edited:
    the reviewing level rejects them back to draft, with the reason."""
    _require(actor, "assistance.submit")
    file = _lock(file, actor, expected_version)
    if file.status != FileStatus.DRAFT:
        raise ValidationError(_("Only a draft can be edited; this file is %(status)s.")
                              % {"status": file.get_status_display()}, code="out_of_order")
    cleaned, members = clean_file_input(data, household, organization=file.organization)
    check_not_in_open_file([cleaned["head_id_number"], *(m["id_number"] for m in members)], exclude_file_id=file.pk)
    for field, value in cleaned.items():
        setattr(file, field, value)
    file.head_member = current_membership(id_number=file.head_id_number)
    now = timezone.now()
    file.version += 1
    file.updated_by, file.updated_at = actor, now
    _save_file(file)
    _save_household(file, members)
    _event(file, Action.EDITED, actor, at=now, from_status=file.status)
    return file


# --- the steps -------------------------------------------------------------------------------


def _out_of_order(file: HardshipFile) -> ValidationError:
    return ValidationError(
        _("This step cannot be taken now: the file is %(status)s.") % {"status": file.get_status_display()},
        code="out_of_order",
    )


def _step(file: HardshipFile, actor, *, action: str, to_status: str, at, reason: str = "") -> HardshipFile:
    from_status = file.status
    file.status = to_status
    file.status_changed_at = at
    file.version += 1
    file.updated_by, file.updated_at = actor, at
    _save_file(file)
    _event(file, action, actor, at=at, from_status=from_status, reason=reason)
    return file


def _not_own(file: HardshipFile, actor, *fields: str) -> None:
    """Four eyes: nobody decides on a file they submitted or reviewed in this round."""
    for field in fields:
        if getattr(file, f"{field}_id") == actor.pk:
            message = (
                _("You submitted this file: somebody else must decide on it.")
                if field == "submitted_by"
                else _("You reviewed this file: somebody else must approve it.")
            )
            raise ValidationError(message, code="own_file")


@transaction.atomic
def submit_file(*, actor, file: HardshipFile, expected_version, note: str = "") -> HardshipFile:
    """Draft → submitted, by the branch (assistance.submit): the county reviews it next.
    The household must list its members as the size says (checked again on the stored draft)."""
    _require(actor, "assistance.submit")
    file = _lock(file, actor, expected_version)
    if file.status != FileStatus.DRAFT:
        raise _out_of_order(file)
    if file.household_size != file.household.count() + 1:
        raise ValidationError(
            _("The household size (%(size)d) is not the head and the %(members)d household members listed.")
            % {"size": file.household_size, "members": file.household.count()},
            code="household_size",
        )
    now = timezone.now()
    file.submitted_by, file.submitted_at = actor, now
    file.reviewed_by = file.reviewed_at = file.approved_by = file.approved_at = None
    _step(file, actor, action=Action.SUBMITTED, to_status=FileStatus.SUBMITTED, at=now, reason=note)
    _tell(holders("assistance.review", file.organization), file, kind="file_submitted", exclude=actor,
          title=_("Hardship file to review: %(name)s (%(union)s)") % {"name": file.head_name,
                                                                    "union": file.organization.name})
    return file


@transaction.atomic
def review_file(*, actor, file: HardshipFile, expected_version, note: str = "") -> HardshipFile:
    """Submitted → reviewed, by the county (assistance.review), never by its submitter; the
    city approves it next."""
    _require(actor, "assistance.review")
    file = _lock(file, actor, expected_version)
    if file.status != FileStatus.SUBMITTED:
        raise _out_of_order(file)
    _not_own(file, actor, "submitted_by")
    now = timezone.now()
    file.reviewed_by, file.reviewed_at = actor, now
    _step(file, actor, action=Action.REVIEWED, to_status=FileStatus.REVIEWED, at=now, reason=note)
    _tell(holders("assistance.approve", file.organization), file, kind="file_reviewed", exclude=actor,
          title=_("Hardship file to approve: %(name)s (%(union)s)") % {"name": file.head_name,
                                                                     "union": file.organization.name})
    return file


@transaction.atomic
def approve_file(*, actor, file: HardshipFile, expected_version, note: str = "") -> HardshipFile:
    """Reviewed → active, by the city (assistance.approve), never by the file's submitter or
    reviewer. The file is re-verified a year after its approval."""
    _require(actor, "assistance.approve")
    file = _lock(file, actor, expected_version)
    if file.status != FileStatus.REVIEWED:
        raise _out_of_order(file)
    _not_own(file, actor, "submitted_by", "reviewed_by")
    now = timezone.now()
    file.approved_by, file.approved_at = actor, now
    file.valid_until = add_months(timezone.localdate(), 12)
    _step(file, actor, action=Action.APPROVED, to_status=FileStatus.ACTIVE, at=now, reason=note)
    _tell([file.submitted_by_id, file.reviewed_by_id], file, kind="file_approved", exclude=actor,
          title=_("Hardship file approved: %(name)s is now an active file") % {"name": file.head_name})
    return file


# Who may return a file at each step: the level whose step it is.
_REJECT_CAPABILITY = {
    FileStatus.SUBMITTED: "assistance.review",
    FileStatus.REVIEWED: "assistance.approve",
    FileStatus.REVERIFYING: "assistance.review",
}


@transaction.atomic
def reject_file(*, actor, file: HardshipFile, expected_version, reason: str) -> HardshipFile:
    """Return a file waiting at a step, with the reason, by the level whose step it is
    (never by its submitter or reviewer): a new application returns to draft; a
    re-verification returns to active, still due, for the branch to redo."""
    if not (actor.has_capability("assistance.review") or actor.has_capability("assistance.approve")):
        raise PermissionDenied
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for returning the file.")})
    file = _lock(file, actor, expected_version)
    capability = _REJECT_CAPABILITY.get(file.status)
    if capability is None:
        raise _out_of_order(file)
    _require(actor, capability)  # the step belongs to another level
    _not_own(file, actor, "submitted_by", "reviewed_by")
    now = timezone.now()
    to_status = FileStatus.ACTIVE if file.status == FileStatus.REVERIFYING else FileStatus.DRAFT
    recipients = [file.submitted_by_id, file.reviewed_by_id]
    file.reviewed_by = file.reviewed_at = None
    if to_status == FileStatus.DRAFT:
        file.submitted_by = file.submitted_at = None
    _step(file, actor, action=Action.REJECTED, to_status=to_status, at=now, reason=reason)
    _tell(recipients, file, kind="file_rejected", exclude=actor, body=reason.strip(),
          title=_("Hardship file returned: %(name)s") % {"name": file.head_name})
    return file


@transaction.atomic
def submit_reverification(*, actor, file: HardshipFile, expected_version, data: dict) -> HardshipFile:
    """Active → reverifying, by the branch (assistance.submit): the household's figures as
    they are now (size, income, income per head, checked like a new file's); the county
    renews the file for a year or ends it (issue 16 item 3 "annual re-verification")."""
    _require(actor, "assistance.submit")
    file = _lock(file, actor, expected_version)
    if file.status != FileStatus.ACTIVE:
        raise _out_of_order(file)
    raw = {
        **{f: getattr(file, f) for f in ("head_name", "head_id_number", "head_phone", "employer_name", "address",
                                         "cause_note", "bank_name", "bank_account", "causes")},
        "category": data.get("category") or file.category,
        "category_reason": data.get("category_reason", file.category_reason),
        "household_size": data.get("household_size"),
        "monthly_income": data.get("monthly_income"),
        "income_per_head": data.get("income_per_head"),
        "file_date": timezone.localdate(),
    }
    cleaned, _members = clean_file_input(raw, None, organization=file.organization)
    for field in ("household_size", "monthly_income", "income_per_head", "living_standard", "file_date",
                  "category", "suggested_category", "category_reason"):
        setattr(file, field, cleaned[field])
    now = timezone.now()
    file.submitted_by, file.submitted_at = actor, now
    file.reviewed_by = file.reviewed_at = None
    _step(file, actor, action=Action.REVERIFICATION, to_status=FileStatus.REVERIFYING, at=now,
          reason=clean_text(data.get("note")))
    _tell(holders("assistance.review", file.organization), file, kind="file_reverification", exclude=actor,
          title=_("Re-verification to decide: %(name)s (%(union)s)") % {"name": file.head_name,
                                                                      "union": file.organization.name})
    return file


@transaction.atomic
def renew_file(*, actor, file: HardshipFile, expected_version, note: str = "") -> HardshipFile:
    """Reverifying → active for another year, by the county (assistance.review), never by
    the person who submitted the re-verification."""
    _require(actor, "assistance.review")
    file = _lock(file, actor, expected_version)
    if file.status != FileStatus.REVERIFYING:
        raise _out_of_order(file)
    _not_own(file, actor, "submitted_by")
    now = timezone.now()
    file.reviewed_by, file.reviewed_at = actor, now
    file.valid_until = add_months(max(file.valid_until or timezone.localdate(), timezone.localdate()), 12)
    _step(file, actor, action=Action.RENEWED, to_status=FileStatus.ACTIVE, at=now, reason=note)
    _tell([file.submitted_by_id], file, kind="file_renewed", exclude=actor,
          title=_("Hardship file renewed for a year: %(name)s") % {"name": file.head_name})
    return file


@transaction.atomic
def exit_file(*, actor, file: HardshipFile, expected_version, reason: str, note: str = "") -> HardshipFile:
    """Active or reverifying → exited (解困脱困), by the county (assistance.review), with the
    reason; never by the person who submitted the re-verification. Follow-ups are due 6
    and 12 months on (issue 16 item 8)."""
    _require(actor, "assistance.review")
    if reason not in ExitReason.values:
        raise ValidationError({"reason": _("Choose the reason the household is out of hardship.")})
    if reason == ExitReason.OTHER and not clean_text(note):
        raise ValidationError({"note": _("Say why the household is out of hardship.")})
    file = _lock(file, actor, expected_version)
    if file.status not in (FileStatus.ACTIVE, FileStatus.REVERIFYING):
        raise _out_of_order(file)
    if file.status == FileStatus.REVERIFYING:
        _not_own(file, actor, "submitted_by")
    now = timezone.now()
    today = timezone.localdate()
    file.exited_on, file.exit_reason, file.exit_note = today, reason, clean_text(note)[:300]
    label = str(ExitReason(reason).label)
    _step(file, actor, action=Action.EXITED, to_status=FileStatus.EXITED, at=now,
          reason=_("%(reason)s: %(note)s") % {"reason": label, "note": file.exit_note} if file.exit_note else label)
    FollowUp.objects.bulk_create(
        [FollowUp(file=file, months=m, due_on=add_months(today, m)) for m in FOLLOW_UP_MONTHS],
        ignore_conflicts=True,
    )
    _tell(holders("assistance.submit", file.organization), file, kind="file_exited", exclude=actor,
          title=_("Out of hardship: %(name)s") % {"name": file.head_name})
    return file


@transaction.atomic
def record_follow_up(*, actor, follow_up: FollowUp, slipped_back: bool, note: str = "") -> FollowUp:
    """Record a follow-up of an exited household (assistance.record). A household that has
    slipped back (返困) is re-opened: the same file returns to draft with its whole
    timeline, for the branch to update and submit again; later follow-ups lapse."""
    _require(actor, "assistance.record")
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    file = follow_up.file
    ensure_visible(actor, file.organization)
    if follow_up.done_on is not None:
        raise ValidationError(_("This follow-up was already recorded."), code="done")
    if file.status != FileStatus.EXITED:
        raise _out_of_order(file)
    if slipped_back and not clean_text(note):
        raise ValidationError({"note": _("Describe how the household slipped back into hardship.")})
    now = timezone.now()
    follow_up.done_on, follow_up.done_by = timezone.localdate(), actor
    follow_up.slipped_back, follow_up.note = slipped_back, clean_text(note)[:300]
    follow_up.save()
    file = _lock(file, actor, file.version)
    if slipped_back:
        file.submitted_by = file.submitted_at = file.reviewed_by = file.reviewed_at = None
        file.approved_by = file.approved_at = file.valid_until = None
        file.exited_on, file.exit_reason, file.exit_note = None, "", ""
        check_not_in_open_file([file.head_id_number], exclude_file_id=file.pk)
        _step(file, actor, action=Action.REOPENED, to_status=FileStatus.DRAFT, at=now, reason=follow_up.note)
        FollowUp.objects.filter(file=file, done_on__isnull=True).delete()
    else:
        _event(file, Action.FOLLOWED_UP, actor, at=now, from_status=file.status,
               reason=follow_up.note or _("%(months)d-month follow-up: still out of hardship")
               % {"months": follow_up.months})
    return follow_up


# --- documents and full reads -----------------------------------------------------------------


@transaction.atomic
def add_attachment(*, actor, file: HardshipFile, kind: str, upload) -> Attachment:
    """Keep an income certificate or medical bill: PDF, JPEG or PNG by content, size-limited,
    images re-encoded without their metadata (apps.assistance.attachments)."""
    _require(actor, "assistance.record")
    ensure_visible(actor, file.organization)
    if file.status == FileStatus.EXITED:
        raise _out_of_order(file)
    checked = checked_upload(upload)
    attachment = Attachment(
        file=file, kind=kind, original_name=checked.name, content_type=checked.content_type,
        size=len(checked.content), sha256=hashlib.sha256(checked.content).hexdigest(), uploaded_by=actor,
    )
    attachment.full_clean(exclude=["stored"])
    attachment.stored.save(checked.storage_name, checked.as_file(), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.stored.delete(save=False)
        raise
    _event(file, Action.ATTACHED, actor, at=timezone.now(), from_status=file.status,
           reason=f"{attachment.get_kind_display()}: {attachment.original_name}")
    return attachment


REVEALABLE = {"head_id_number": "id_number", "head_phone": "phone", "bank_account": "bank_account"}


def reveal_file_field(*, actor, file: HardshipFile, field: str) -> str:
    """A protected field in full (assistance.reveal), written to the access log first."""
    _require(actor, "assistance.reveal")
    ensure_visible(actor, file.organization)
    if field not in REVEALABLE:
        raise ValidationError(_("This field cannot be shown."))
    record_sensitive_access(
        actor=actor, action=SensitiveAccess.Action.REVEAL, subject=file, organization=file.organization,
        detail=REVEALABLE[field],
    )
    return getattr(file, field)


def may_see(actor, file: HardshipFile) -> bool:
    return is_in_scope(actor, file.organization)
