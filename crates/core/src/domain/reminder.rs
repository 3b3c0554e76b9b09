use super::{entity, require_text, validate, Entity, EntityKind, FieldTy, Id, ValidationCtx};
use crate::error::{Error, Result};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

entity! {
    /// Something to be reminded of at a wall-clock time ("9:00 tomorrow").
    pub struct Reminder {
        title: String = FieldTy::Text,
        /// Wall-clock time. With no `timezone` it floats: 9:00 wherever the laptop is.
        due_local: Option<NaiveDateTime> = FieldTy::LocalDateTime,
        timezone: Option<String> = FieldTy::Text,
        /// What it is about.
        about_kind: Option<EntityKind> = FieldTy::Text,
        about_id: Option<Id> = FieldTy::Text,
        snoozed_until: Option<DateTime<Utc>> = FieldTy::Instant,
        done: bool = FieldTy::Bool,
        /// Keep-in-touch: after it is done, it comes back this many days later.
        recurrence_days: Option<i64> = FieldTy::Int,
    }
}

impl Reminder {
    /// The instant the reminder is due, given the laptop's current zone for floating times.
    /// A snooze moves it later. A wall-clock time that does not exist (a DST gap) is taken at
    /// the first instant after the gap.
    pub fn due_at(&self, local_zone: chrono_tz::Tz) -> Option<DateTime<Utc>> {
        let local = self.due_local?;
        let zone = self.timezone.as_deref().and_then(|z| z.parse::<chrono_tz::Tz>().ok()).unwrap_or(local_zone);
        let mut due = resolve_local(zone, local)?;
        if let Some(s) = self.snoozed_until {
            if s > due {
                due = s;
            }
        }
        Some(due)
    }
}

pub(crate) fn resolve_local(zone: chrono_tz::Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match zone.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        chrono::LocalResult::Ambiguous(a, _) => Some(a.with_timezone(&Utc)),
        chrono::LocalResult::None => {
            // Spring-forward gap: walk forward minute by minute (at most 3 hours).
            (1..=180).find_map(|m| zone.from_local_datetime(&(local + chrono::Duration::minutes(m))).earliest())
                .map(|t| t.with_timezone(&Utc))
        }
    }
}

impl Entity for Reminder {
    const KIND: EntityKind = EntityKind::Reminder;

    fn normalize(&mut self) {
        self.title = self.title.trim().to_string();
    }

    fn validate(&self, _ctx: &ValidationCtx<'_>) -> Result<()> {
        require_text("title", &self.title, 300)?;
        if self.due_local.is_none() {
            return Err(Error::invalid("due_local", "is required"));
        }
        if let Some(tz) = &self.timezone {
            validate::time_zone("timezone", tz)?;
        }
        if let Some(r) = self.recurrence_days {
            validate::range("recurrence_days", r, 1, 3650)?;
        }
        if self.about_id.is_some() != self.about_kind.is_some() {
            return Err(Error::invalid("about_kind", "give both what the reminder is about and its id, or neither"));
        }
        Ok(())
    }
}
