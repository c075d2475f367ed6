-- Break-glass follow-ups: the review after the fact records its outcome with a comment, and an
-- overdue follow-up is escalated once (by an admin or by the scheduler), to whom it was sent kept.
alter table break_glass_review
    add column review_comment text,
    add column escalated_at   timestamptz,
    add column escalated_by   text,
    add column escalated_to   jsonb not null default '[]'::jsonb,
    add constraint break_glass_review_outcome_check
        check (outcome is null or outcome in ('JUSTIFIED', 'NOT_JUSTIFIED')),
    add constraint break_glass_review_recorded_check
        check ((reviewed_at is null) = (outcome is null));

-- The escalation job's queue: open, not yet escalated, by due date.
create index break_glass_review_escalation_idx on break_glass_review (due_at)
    where reviewed_at is null and escalated_at is null;
