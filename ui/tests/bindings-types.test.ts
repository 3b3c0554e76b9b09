// Compile-time: the shapes the UI uses (src/lib/types.ts) agree with shell's generated
// bindings. `npm run check` fails when core's types drift from the UI's.
import { it, expect } from 'vitest';
import type * as G from '../src/lib/bindings';
import type * as T from '../src/lib/types';

type Assignable<From, To> = [From] extends [To] ? true : false;
const yes = <X extends true>(x: X) => x;

// What core sends fits what the screens read.
yes<Assignable<G.Today, T.Today>>(true);
yes<Assignable<G.AccountOverview, T.AccountOverview>>(true);
yes<Assignable<G.MeetingBrief, T.MeetingBrief>>(true);
yes<Assignable<G.GiftTotal, T.GiftTotal>>(true);
yes<Assignable<G.GiftCheck, T.GiftCheck>>(true);
yes<Assignable<G.QuotaSummary, T.QuotaSummary>>(true);
yes<Assignable<G.Whitespace, T.Whitespace>>(true);
yes<Assignable<G.Suggestion, T.Suggestion>>(true);
yes<Assignable<G.SearchHit, T.SearchHit>>(true);
// Settings: the generated type marks every field optional (serde defaults); core sends all.
yes<Assignable<G.EntityKind, T.EntityKind>>(true);

// What the screens send fits what core accepts.
yes<Assignable<T.Account, G.Account>>(true);
yes<Assignable<T.Contact, G.Contact>>(true);
yes<Assignable<T.Note, G.Note>>(true);
yes<Assignable<T.Meeting, G.Meeting>>(true);
yes<Assignable<T.Opportunity, G.Opportunity>>(true);
yes<Assignable<T.Gift, G.Gift>>(true);
yes<Assignable<T.Task, G.Task>>(true);
yes<Assignable<T.Objection, G.Objection>>(true);
yes<Assignable<T.Settings, G.Settings>>(true);
yes<Assignable<T.WrapUp, G.WrapUp>>(true);

it('the UI types agree with the generated bindings (checked by npm run check)', () => {
  expect(true).toBe(true);
});
