"""Every write on the conference. One transaction per service, permission first, audit row inside.

The invitation's facts arrive as a core :class:`~chiso.documents.event.Event` — from the edit
form or from a YAML file through the core's ``load_event_text`` — so both paths store the same
thing and a file that the CLI accepts is accepted here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from chiso.documents.event import Event, Participant, Task, load_event_text
from chiso.web.accounts.models import Agency, User
from chiso.web.accounts.permissions import can_toggle_conference_task, require_coordinator
from chiso.web.audit.services import record
from chiso.web.campaigns.models import Campaign
from chiso.web.conference import events
from chiso.web.conference.models import Attendee, Conference, ConferenceTask, ParticipantGroup
from chiso.web.races import retry_on_collision

MAX_YAML_BYTES = 1_000_000


@dataclass(frozen=True)
class TaskInput:
    """A task as the form and the YAML import give it: the core Task's fields plus its agency."""

    owner: str
    text: str
    owner_agency: Agency | None = None
    deadline: date | None = None
    deadline_kind: str = ConferenceTask.DeadlineKind.NO_LATER_THAN
    assign: bool = False
    end: str = ""


@dataclass(frozen=True)
class AttendeeInput:
    name: str = ""
    position: str = ""
    agency: Agency | None = None
    organisation: str = ""
    group: str = ""


def _plain(values: dict) -> dict:
    """JSON-safe values for the audit row."""
    out = {}
    for key, value in values.items():
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, Agency):
            value = value.code
        out[key] = value
    return out


_Row = TypeVar("_Row", ConferenceTask, Attendee)


def _update_row(
    *,
    acting_user: User,
    row: _Row,
    values: TaskInput | AttendeeInput,
    audit_values: Callable[[_Row], dict],
    audit_event: str,
) -> None:
    """Copy the form's ``values`` onto ``row`` (already locked), validate and save it; the audit
    row keeps only the fields that changed, and an edit that changes nothing writes none."""
    before = audit_values(row)
    for key, value in vars(values).items():
        setattr(row, key, value)
    row.full_clean()
    row.save()
    after = audit_values(row)
    changed = [k for k in after if before[k] != after[k]]
    if changed:
        record(
            actor=acting_user,
            event=audit_event,
            obj=row,
            old={k: before[k] for k in changed},
            new={k: after[k] for k in changed},
        )


def current_conference(campaign: Campaign) -> Conference | None:
    """The campaign's conference, if it has one yet."""
    return Conference.objects.filter(campaign=campaign).first()


def _participant_values(row: ParticipantGroup) -> dict:
    return {"text": row.text, "role": row.role, "note": row.note, "end": row.end}


def _task_state(row: ConferenceTask) -> dict:
    """What an import's replacement of the tasks loses: the task and whether it was done."""
    return {
        "label": row.label,
        "owner": row.owner,
        "text": row.text,
        "done": row.done,
        "done_by": row.done_by.get_username() if row.done_by else None,
        "done_at": row.done_at.isoformat() if row.done_at else None,
    }


def _replace_participants(conference: Conference, participants: Sequence[Participant]) -> None:
    conference.participants.all().delete()
    for position, p in enumerate(participants):
        row = ParticipantGroup(
            conference=conference,
            position=position,
            text=p.text,
            role=p.role or "",
            note=p.note or "",
            end=p.end or "",
        )
        row.full_clean()
        row.save()


def _replace_tasks(conference: Conference, tasks: Sequence[TaskInput]) -> None:
    conference.tasks.all().delete()
    for position, task in enumerate(tasks):
        row = ConferenceTask(conference=conference, position=position, **vars(task))
        row.full_clean()
        row.save()


def _store(
    *,
    acting_user: User,
    campaign: Campaign,
    event: Event,
    presenting: Iterable[Agency] | None,
    chair_title: str | None,
    chair_name: str | None,
    minutes_each: int | None,
    tasks: Sequence[TaskInput] | None,
    audit_event: str | None = None,
    extra: dict | None = None,
) -> Conference:
    """Create or update the campaign's conference from ``event``; ``None`` keeps a value (a new
    conference without ``presenting`` takes the campaign's agencies).

    An update's audit row keeps, in ``old``, the changed fields, the participants it replaced
    and, when ``tasks`` replaces them, the old tasks with who marked them done and when.
    """
    # The campaign exists, its conference may not: lock the campaign first, so two first saves
    # queue here and the second finds the first's conference instead of inserting another.
    Campaign.objects.select_for_update().get(pk=campaign.pk)
    conference = current_conference(campaign)
    created = conference is None
    fields = events.event_fields(event)
    settings = {"chair_title": chair_title, "chair_name": chair_name, "minutes_each": minutes_each}
    fields.update({key: value for key, value in settings.items() if value is not None})
    before: dict = {}
    replaced: dict = {}  # what the participants and tasks were before being replaced
    if created:
        conference = Conference(campaign=campaign, created_by=acting_user)
        presenting = default_presenting(campaign) if presenting is None else presenting
    else:
        before = {key: getattr(conference, key) for key in fields}
        replaced["participants"] = [_participant_values(p) for p in conference.participants.all()]
        if tasks is not None:
            replaced["tasks"] = [_task_state(t) for t in conference.tasks.all()]
    for key, value in fields.items():
        setattr(conference, key, value)
    conference.full_clean()
    with retry_on_collision("tạo hội nghị của đợt này"):
        conference.save()
    if presenting is not None:
        conference.presenting_agencies.set(presenting)
    _replace_participants(conference, event.participants)
    if tasks is not None:
        _replace_tasks(conference, tasks)
    changed = {k: v for k, v in fields.items() if created or before.get(k) != v}
    record(
        actor=acting_user,
        event=audit_event or ("conference.created" if created else "conference.updated"),
        obj=conference,
        old=None if created else {**_plain({k: before[k] for k in changed}), **replaced},
        new=_plain(
            {
                **changed,
                "participants": len(event.participants),
                "presenting": sorted(a.code for a in conference.presenting_agencies.all()),
                **({"tasks": len(tasks)} if tasks is not None else {}),
                **(extra or {}),
            }
        ),
    )
    return conference


@transaction.atomic
def conference_save(
    *,
    acting_user: User,
    campaign: Campaign,
    event: Event,
    presenting: Iterable[Agency],
    chair_title: str,
    chair_name: str,
    minutes_each: int,
    tasks: Sequence[TaskInput] | None = None,
) -> Conference:
    """Create the campaign's conference or update it from the edit form.

    ``tasks`` replaces the organisation tasks (a new conference gets the proposed a)–d)); on an
    update it is ``None`` so tasks, and whether they are done, stay as they are.
    """
    require_coordinator(acting_user)
    return _store(
        acting_user=acting_user,
        campaign=campaign,
        event=event,
        presenting=presenting,
        chair_title=chair_title,
        chair_name=chair_name,
        minutes_each=minutes_each,
        tasks=tasks,
    )


def _decode(data: bytes, name: str) -> str:
    if len(data) > MAX_YAML_BYTES:
        raise ValidationError(f"Tệp {name} quá lớn (tối đa 1 MB).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            f"Tệp {name} không phải văn bản UTF-8: hãy lưu tệp YAML với bảng mã UTF-8."
        ) from None


@transaction.atomic
def conference_import(
    *, acting_user: User, campaign: Campaign, data: bytes, name: str
) -> Conference:
    """Fill the conference, its participants and its tasks from a ``chiso.event/1`` YAML file.

    The core's loader validates the whole file first and raises
    :class:`~chiso.errors.ValidationFailed` listing every problem with its line; nothing is
    written then. Tasks are replaced (done marks reset); a task owner that names one agency
    ("Sở Nội vụ", "Văn phòng UBND tỉnh") is linked to it so its members can mark it done.
    Presenting agencies are kept (the file has none); a new conference takes the campaign's.
    """
    require_coordinator(acting_user)
    event = load_event_text(_decode(data, name), origin=name)
    tasks = tasks_from(event.tasks)
    return _store(
        acting_user=acting_user,
        campaign=campaign,
        event=event,
        presenting=None,
        chair_title=events.chair_of(event),
        chair_name=None,
        minutes_each=None,
        tasks=tasks,
        audit_event="conference.imported",
        extra={"file": name},
    )


def tasks_from(tasks: Iterable[Task]) -> list[TaskInput]:
    """The core's tasks as rows, each linked to the agency its owner names, if exactly one."""
    agencies = list(Agency.objects.all())
    return [
        TaskInput(
            owner=t.owner,
            text=t.text,
            owner_agency=events.match_agency(t.owner, agencies),
            deadline=t.deadline,
            deadline_kind=t.deadline_kind,
            assign=t.assign,
            end=t.end or "",
        )
        for t in tasks
    ]


def default_presenting(campaign: Campaign) -> list[Agency]:
    """The agencies writing a tham luận in the campaign: the seed's "danh sách tham luận"."""
    return list(Agency.objects.filter(contributions__campaign=campaign).distinct())


# --- tasks --------------------------------------------------------------------------------------


def _task_values(task: ConferenceTask) -> dict:
    return _plain(
        {
            "owner": task.owner,
            "owner_agency": task.owner_agency,
            "text": task.text,
            "deadline": task.deadline,
            "deadline_kind": task.deadline_kind,
            "assign": task.assign,
            "end": task.end,
        }
    )


@transaction.atomic
def task_create(*, acting_user: User, conference: Conference, task: TaskInput) -> ConferenceTask:
    """Add a task after the others (its label is the next letter)."""
    require_coordinator(acting_user)
    Conference.objects.select_for_update().get(pk=conference.pk)
    row = ConferenceTask(conference=conference, position=conference.tasks.count(), **vars(task))
    row.full_clean()
    row.save()
    record(actor=acting_user, event="conference.task_created", obj=row, new=_task_values(row))
    return row


@transaction.atomic
def task_update(*, acting_user: User, task: ConferenceTask, values: TaskInput) -> ConferenceTask:
    require_coordinator(acting_user)
    row = ConferenceTask.objects.select_for_update().get(pk=task.pk)
    _update_row(
        acting_user=acting_user,
        row=row,
        values=values,
        audit_values=_task_values,
        audit_event="conference.task_updated",
    )
    return row


@transaction.atomic
def task_delete(*, acting_user: User, task: ConferenceTask) -> None:
    """Remove a task; the ones after it move up a letter so a), b), c) … stay contiguous."""
    require_coordinator(acting_user)
    row = ConferenceTask.objects.select_for_update().get(pk=task.pk)
    conference = row.conference
    record(actor=acting_user, event="conference.task_deleted", obj=row, old=_task_values(row))
    row.delete()
    for position, rest in enumerate(conference.tasks.order_by("position")):
        if rest.position != position:
            rest.position = position
            rest.save(update_fields=["position"])


@transaction.atomic
def task_set_done(*, acting_user: User, task: ConferenceTask, done: bool) -> ConferenceTask:
    """Mark a task done (who and when are kept) or not done again.

    The Sở Nội vụ may mark any task; an agency's members only the tasks of their agency.
    """
    if acting_user.is_leader or not can_toggle_conference_task(acting_user, task):
        raise PermissionDenied("Chỉ cơ quan được giao hoặc Sở Nội vụ được đánh dấu nhiệm vụ.")
    row = ConferenceTask.objects.select_for_update().get(pk=task.pk)
    if row.done == done:
        return row  # a second click (or a stale page) changes nothing and logs nothing
    row.done = done
    row.done_at = timezone.now() if done else None
    row.done_by = acting_user if done else None
    row.full_clean()
    row.save()
    record(
        actor=acting_user,
        event="conference.task_done" if done else "conference.task_undone",
        obj=row,
        old={"done": not done},
        new={"done": done, "label": row.label, "owner": row.owner},
    )
    return row


# --- attendance ---------------------------------------------------------------------------------


def _attendee_values(row: Attendee) -> dict:
    return _plain(
        {
            "name": row.name,
            "position": row.position,
            "agency": row.agency,
            "organisation": row.organisation,
            "group": row.group,
        }
    )


@transaction.atomic
def attendee_create(
    *, acting_user: User, conference: Conference, values: AttendeeInput
) -> Attendee:
    require_coordinator(acting_user)
    row = Attendee(conference=conference, **vars(values))
    row.full_clean()
    row.save()
    record(actor=acting_user, event="conference.attendee_added", obj=row, new=_attendee_values(row))
    return row


@transaction.atomic
def attendee_update(*, acting_user: User, attendee: Attendee, values: AttendeeInput) -> Attendee:
    require_coordinator(acting_user)
    row = Attendee.objects.select_for_update().get(pk=attendee.pk)
    _update_row(
        acting_user=acting_user,
        row=row,
        values=values,
        audit_values=_attendee_values,
        audit_event="conference.attendee_updated",
    )
    return row


@transaction.atomic
def attendee_delete(*, acting_user: User, attendee: Attendee) -> None:
    require_coordinator(acting_user)
    row = Attendee.objects.select_for_update().get(pk=attendee.pk)
    record(
        actor=acting_user,
        event="conference.attendee_removed",
        obj=row,
        old=_attendee_values(row),
    )
    row.delete()


@transaction.atomic
def attendees_prefill(*, acting_user: User, conference: Conference) -> list[Attendee]:
    """One row per participant group, then one per presenting agency, names left to fill in.

    Rows that already exist (same group without an agency, same agency) are not added again, so
    the button can be pressed after the lists change.
    """
    from chiso import vi

    require_coordinator(acting_user)
    Conference.objects.select_for_update().get(pk=conference.pk)
    existing = list(conference.attendees.all())
    groups = {a.group for a in existing if a.agency_id is None}
    agencies = {a.agency_id for a in existing if a.agency_id}
    created = []
    for participant in conference.participants.all():
        if participant.text in groups:
            continue
        created.append(Attendee(conference=conference, group=participant.text))
    presenting = vi.sorted_vi(conference.presenting_agencies.all(), key=lambda a: a.name)
    for agency in presenting:
        if agency.pk in agencies:
            continue
        created.append(
            Attendee(
                conference=conference,
                agency=agency,
                position="Đại diện lãnh đạo",
                group="Cơ quan tham luận",
            )
        )
    for row in created:
        row.full_clean()
        row.save()
        record(
            actor=acting_user,
            event="conference.attendee_added",
            obj=row,
            new={**_attendee_values(row), "prefilled": True},
        )
    return created


@transaction.atomic
def attendee_check_in(*, acting_user: User, attendee: Attendee, attended: bool) -> Attendee:
    """Mark a delegate present (with the time) or absent again."""
    require_coordinator(acting_user)
    row = Attendee.objects.select_for_update().get(pk=attendee.pk)
    if row.attended == attended:
        return row
    row.attended = attended
    row.checked_in_at = timezone.now() if attended else None
    row.full_clean()
    row.save()
    record(
        actor=acting_user,
        event="conference.checked_in" if attended else "conference.check_in_undone",
        obj=row,
        old={"attended": not attended},
        new={"attended": attended, "name": row.name, "organisation": row.organisation_label},
    )
    return row
