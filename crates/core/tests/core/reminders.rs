//! reminders tests
