use super::{entity, require_text, validate, Entity, EntityKind, FieldTy, Id, ValidationCtx};
use crate::error::{Error, Result};

entity! {
    /// A meeting on the calendar. It keeps the time zone it was made in (the client's).
    pub struct Meeting {
        title: String = FieldTy::Text,
        starts_at: chrono::DateTime<chrono::Utc> = FieldTy::Instant,
        ends_at: chrono::DateTime<chrono::Utc> = FieldTy::Instant,
        /// IANA zone the meeting was arranged in (`Europe/Warsaw`).
        timezone: String = FieldTy::Text,
        location: Option<String> = FieldTy::Text,
        /// Zoom / Teams / Meet join link.
        link: Option<String> = FieldTy::Text,
        account_id: Option<Id> = FieldTy::Ref(EntityKind::Account),
        attendee_ids: Vec<Id> = FieldTy::Json,
        goal: Option<String> = FieldTy::Text,
        agenda: String = FieldTy::RichText,
        /// Calendar UID when it came from an invite.
        source_ref: Option<String> = FieldTy::Text,
    }
}

impl Entity for Meeting {
    const KIND: EntityKind = EntityKind::Meeting;

    fn list_refs(&self) -> Vec<(&'static str, EntityKind, &[Id])> {
        vec![("attendee_ids", EntityKind::Contact, &self.attendee_ids)]
    }

    fn normalize(&mut self) {
        self.title = self.title.trim().to_string();
        if self.timezone.trim().is_empty() {
            self.timezone = "UTC".into();
        }
        self.link = self.link.as_deref().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string);
    }

    fn validate(&self, _ctx: &ValidationCtx<'_>) -> Result<()> {
        require_text("title", &self.title, 300)?;
        if self.starts_at.timestamp() <= 0 {
            return Err(Error::invalid("starts_at", "is required"));
        }
        if self.ends_at < self.starts_at {
            return Err(Error::invalid("ends_at", "is before the start"));
        }
        if self.ends_at - self.starts_at > chrono::Duration::days(14) {
            return Err(Error::invalid("ends_at", "a meeting lasts at most 14 days"));
        }
        validate::time_zone("timezone", &self.timezone)?;
        validate::opt_max_len("location", &self.location, 500)?;
        if let Some(l) = &self.link {
            validate::url("link", l)?;
        }
        validate::opt_max_len("goal", &self.goal, 2_000)?;
        validate::max_len("agenda", &self.agenda, 100_000)?;
        if self.attendee_ids.len() > 200 {
            return Err(Error::invalid("attendee_ids", "has more than 200 attendees"));
        }
        Ok(())
    }
}
