//! The queries behind the reminders engine.
