use crate::support::*;
use rapport_core::domain::*;

#[test]
fn every_change_is_queued_with_gap_free_sequence_numbers_and_rising_clocks() {
    let b = book();
    let acme = account(&b.app, "Acme");
    let mut data = acme.data.clone();
    data.industry = Some("Manufacturing".into());
    b.app.accounts().update(acme.id, data).unwrap();
    b.app.accounts().delete(acme.id).unwrap();
    let ops = b.app.outbox(0, 100).unwrap();
    assert_eq!(ops.iter().map(|o| o.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(ops.windows(2).all(|w| w[0].hlc < w[1].hlc));
    assert_eq!(ops[1].set.keys().collect::<Vec<_>>(), ["industry"]);
    assert!(ops[1].prev.contains_key("industry"));
    assert_eq!(ops[2].cl, Some(2));
}

#[test]
fn saving_an_unchanged_record_queues_nothing() {
    let b = book();
    let acme = account(&b.app, "Acme");
    b.app.accounts().update(acme.id, acme.data.clone()).unwrap();
    assert_eq!(b.app.outbox(0, 100).unwrap().len(), 1);
}

#[test]
fn note_text_saves_become_small_crdt_edits() {
    let b = book();
    let acme = account(&b.app, "Acme");
    let long = "Discussed the rollout plan with the ops team. ".repeat(200);
    let n = note(&b.app, &acme, &long);
    let mut data = n.data.clone();
    data.body = long.replacen("rollout", "phased rollout", 1);
    b.app.notes().update(n.id, data.clone()).unwrap();
    let ops = b.app.outbox(0, 100).unwrap();
    let edit = &ops.last().unwrap().text["body"].0;
    assert!(edit.len() < 200, "a one-word edit should be a small update, was {} bytes", edit.len());
    assert_eq!(b.app.notes().get(n.id).unwrap().data.body, data.body);
}

/// The outbox must hold everything a peer needs: replaying it into an empty book on another
/// device gives the same book.
#[test]
fn replaying_the_outbox_into_an_empty_book_rebuilds_the_same_book() {
    let a = book();
    let acme = account(&a.app, "Acme");
    let globex = account(&a.app, "Globex");
    let ana = contact(&a.app, &acme, "Ana", "Nowak", Some(BuyingRole::Champion));
    let mut ana_data = ana.data.clone();
    ana_data.personal_notes = "Two kids; runs marathons. Loves Łódź.".into();
    a.app.contacts().update(ana.id, ana_data).unwrap();
    let n = note(&a.app, &acme, "First call: budget is *tight* 🙂");
    let mut nd = n.data.clone();
    nd.body = "First call: budget is *tight* but approved 🙂".into();
    nd.pinned = true;
    a.app.notes().update(n.id, nd).unwrap();
    let product = a.app.products().create(Product { name: "Analytics".into(), ..Default::default() }).unwrap();
    a.app.holdings().create(Holding { account_id: Some(acme.id), product_id: Some(product.id), seats: Some(40), ..Default::default() }).unwrap();
    a.app.opportunities().create(Opportunity { account_id: Some(globex.id), name: "Analytics".into(), stage: "Qualify".into(), amount_cents: 1_200_000, kind: OppKind::CrossSell, product_ids: vec![product.id], ..Default::default() }).unwrap();
    a.app.accounts().delete(globex.id).unwrap();
    a.clock.advance(chrono::Duration::minutes(5));
    a.app.accounts().restore(globex.id).unwrap();
    a.app.tasks().create(Task { title: "Send proposal".into(), account_id: Some(acme.id), due_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 25), ..Default::default() }).unwrap();

    let ops = a.app.outbox(0, 10_000).unwrap();
    let b = book();
    b.app.apply_ops(&ops).unwrap();
    assert_eq!(a.app.canonical_dump().unwrap(), b.app.canonical_dump().unwrap());

    // Applying the same ops again, or in reverse order into a third book, changes nothing.
    b.app.apply_ops(&ops).unwrap();
    assert_eq!(a.app.canonical_dump().unwrap(), b.app.canonical_dump().unwrap());
    let c = book();
    let reversed: Vec<_> = ops.iter().rev().cloned().collect();
    c.app.apply_ops(&reversed).unwrap();
    assert_eq!(a.app.canonical_dump().unwrap(), c.app.canonical_dump().unwrap());
}

mod replay_property {
    use crate::support::*;
    use proptest::prelude::*;
    use rapport_core::domain::*;

    #[derive(Debug, Clone)]
    enum Action {
        CreateAccount(u8),
        SetTier(u8, u8),
        SetIndustry(u8, Option<u8>),
        CreateNote(u8, String),
        EditNote(u8, u16, String, u8),
        TogglePin(u8),
        Delete(u8),
        Restore(u8),
        /// The laptop's clock jumps (sometimes backwards).
        Clock(i32),
    }

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            any::<u8>().prop_map(Action::CreateAccount),
            (any::<u8>(), 0u8..3).prop_map(|(a, t)| Action::SetTier(a, t)),
            (any::<u8>(), proptest::option::of(0u8..4)).prop_map(|(a, i)| Action::SetIndustry(a, i)),
            (any::<u8>(), "[a-zA-ZąęłóźżŁ🙂 ]{1,40}").prop_map(|(a, s)| Action::CreateNote(a, s)),
            (any::<u8>(), any::<u16>(), "[a-zł🙂 ]{0,12}", 0u8..6).prop_map(|(n, p, s, d)| Action::EditNote(n, p, s, d)),
            any::<u8>().prop_map(Action::TogglePin),
            any::<u8>().prop_map(Action::Delete),
            any::<u8>().prop_map(Action::Restore),
            (-120_000i32..600_000).prop_map(Action::Clock),
        ]
    }

    /// Replaces `del` characters at character position `pos` with `ins`.
    fn splice(text: &str, pos: u16, ins: &str, del: u8) -> String {
        let chars: Vec<char> = text.chars().collect();
        let at = if chars.is_empty() { 0 } else { pos as usize % (chars.len() + 1) };
        let end = (at + del as usize).min(chars.len());
        chars[..at].iter().collect::<String>() + ins + &chars[end..].iter().collect::<String>()
    }

    fn run(actions: &[Action]) -> TestBook {
        let b = book();
        let mut accounts: Vec<Id> = Vec::new();
        let mut notes: Vec<Id> = Vec::new();
        let industries = ["Retail", "Banking", "Logistics", "Pharma"];
        for a in actions {
            match a {
                Action::CreateAccount(n) => accounts.push(account(&b.app, &format!("Account {n}")).id),
                Action::SetTier(i, t) if !accounts.is_empty() => {
                    let id = accounts[*i as usize % accounts.len()];
                    let mut d = b.app.accounts().get(id).unwrap().data;
                    d.tier = [Tier::A, Tier::B, Tier::C][*t as usize];
                    b.app.accounts().update(id, d).unwrap();
                }
                Action::SetIndustry(i, ind) if !accounts.is_empty() => {
                    let id = accounts[*i as usize % accounts.len()];
                    let mut d = b.app.accounts().get(id).unwrap().data;
                    d.industry = ind.map(|x| industries[x as usize].to_string());
                    b.app.accounts().update(id, d).unwrap();
                }
                Action::CreateNote(i, text) if !accounts.is_empty() => {
                    let id = accounts[*i as usize % accounts.len()];
                    if b.app.accounts().get(id).unwrap().deleted || text.trim().is_empty() {
                        continue;
                    }
                    let acct = b.app.accounts().get(id).unwrap();
                    notes.push(note(&b.app, &acct, text).id);
                }
                Action::EditNote(i, pos, ins, del) if !notes.is_empty() => {
                    let id = notes[*i as usize % notes.len()];
                    let mut d = b.app.notes().get(id).unwrap().data;
                    let edited = splice(&d.body, *pos, ins, *del);
                    if edited.trim().is_empty() {
                        continue;
                    }
                    d.body = edited;
                    b.app.notes().update(id, d).unwrap();
                }
                Action::TogglePin(i) if !notes.is_empty() => {
                    let id = notes[*i as usize % notes.len()];
                    let mut d = b.app.notes().get(id).unwrap().data;
                    d.pinned = !d.pinned;
                    b.app.notes().update(id, d).unwrap();
                }
                Action::Delete(i) if !accounts.is_empty() => b.app.accounts().delete(accounts[*i as usize % accounts.len()]).unwrap(),
                Action::Restore(i) if !accounts.is_empty() => b.app.accounts().restore(accounts[*i as usize % accounts.len()]).unwrap(),
                Action::Clock(ms) => b.clock.advance(chrono::Duration::milliseconds(*ms as i64)),
                _ => {}
            }
        }
        b
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// Whatever the edits (text with multi-byte characters, deletes, restores, a clock that
        /// jumps back), replaying the outbox in order or shuffled rebuilds the same book.
        #[test]
        fn any_history_replays_to_the_same_book_in_any_order(
            actions in proptest::collection::vec(action(), 1..40),
            seed in any::<u64>(),
        ) {
            let a = run(&actions);
            let ops = a.app.outbox(0, 100_000).unwrap();
            prop_assert!(ops.windows(2).all(|w| w[1].seq == w[0].seq + 1), "gap-free seq");
            prop_assert!(ops.windows(2).all(|w| w[0].hlc < w[1].hlc), "hlc rises even when the wall clock goes back");
            let expected = a.app.canonical_dump().unwrap();

            let b = book();
            b.app.apply_ops(&ops).unwrap();
            prop_assert_eq!(&expected, &b.app.canonical_dump().unwrap());

            let mut shuffled = ops.clone();
            let mut s = seed | 1;
            for i in (1..shuffled.len()).rev() {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17;
                shuffled.swap(i, (s % (i as u64 + 1)) as usize);
            }
            let c = book();
            c.app.apply_ops(&shuffled).unwrap();
            c.app.apply_ops(&ops[..ops.len() / 2]).unwrap();
            prop_assert_eq!(&expected, &c.app.canonical_dump().unwrap());
        }
    }
}
