//! The reminders engine (placeholder types; the engine itself follows).

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DueReminder {
    pub id: crate::domain::Id,
    pub title: String,
    pub due_at: chrono::DateTime<chrono::Utc>,
}
