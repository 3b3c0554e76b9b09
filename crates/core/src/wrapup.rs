//! After a meeting: the AE's notes become an interaction on the account and each next step
//! becomes a task, in one transaction.

use crate::app::App;
use crate::domain::{Id, Meeting, Note, NoteKind, Record, Task};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct NextStep {
    pub title: String,
    pub due_date: Option<chrono::NaiveDate>,
    /// Who the step is owed to, if one attendee.
    pub contact_id: Option<Id>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct WrapUp {
    /// What was said (Markdown).
    pub body: String,
    pub outcome: Option<String>,
    pub next_steps: Vec<NextStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WrappedUp {
    pub note: Record<Note>,
    pub tasks: Vec<Record<Task>>,
}

impl App {
    /// Records the meeting's notes as an interaction (with the attendees present) and its next
    /// steps as tasks linked to the meeting and account. All or nothing.
    pub fn wrap_up_meeting(&self, meeting_id: Id, wrap: WrapUp) -> Result<WrappedUp> {
        let meeting: Record<Meeting> = self.meetings().get(meeting_id)?;
        if meeting.deleted {
            return Err(Error::NotFound { what: "meeting" });
        }
        for (i, step) in wrap.next_steps.iter().enumerate() {
            if step.title.trim().is_empty() {
                return Err(Error::invalid(format!("next_steps[{i}].title"), "a next step needs a title"));
            }
        }
        let m = meeting.data;
        let steps_text = wrap.next_steps.iter().map(|s| format!("- {}", s.title.trim())).collect::<Vec<_>>().join("\n");
        let (note_id, task_ids) = self.batch(|b| {
            let note_id = b.create(Note {
                kind: NoteKind::Meeting,
                occurred_at: m.starts_at,
                account_id: m.account_id,
                contact_ids: m.attendee_ids.clone(),
                title: m.title.clone(),
                body: wrap.body.clone(),
                outcome: wrap.outcome.clone(),
                next_steps: (!steps_text.is_empty()).then(|| steps_text.clone()),
                meeting_id: Some(meeting_id),
                ..Default::default()
            })?;
            let mut task_ids = Vec::new();
            for (i, step) in wrap.next_steps.iter().enumerate() {
                let task = Task {
                    title: step.title.clone(),
                    due_date: step.due_date,
                    account_id: m.account_id,
                    contact_id: step.contact_id,
                    meeting_id: Some(meeting_id),
                    ..Default::default()
                };
                task_ids.push(b.create(task).map_err(|e| match e {
                    Error::Invalid { field, reason } => Error::invalid(format!("next_steps[{i}].{field}"), reason),
                    other => other,
                })?);
            }
            Ok((note_id, task_ids))
        })?;
        let note = self.notes().get(note_id)?;
        let tasks = task_ids.into_iter().map(|id| self.tasks().get(id)).collect::<Result<Vec<_>>>()?;
        Ok(WrappedUp { note, tasks })
    }
}
