// Compile-time: the import/export shapes the UI uses (src/lib/io/types.ts) agree with shell's
// generated bindings; `npm run check` fails when core's io types drift from them.
import { it, expect } from 'vitest';
import type * as G from '../src/lib/bindings';
import type * as IO from '../src/lib/io/types';

type Assignable<From, To> = [From] extends [To] ? true : false;
const yes = <X extends true>(x: X) => x;

// What core sends fits what the wizard reads.
yes<Assignable<G.ImportFile, IO.ImportFile>>(true);
yes<Assignable<G.Preview, IO.Preview>>(true);
yes<Assignable<G.ImportReport, IO.ImportReport>>(true);
yes<Assignable<G.UndoReport, IO.UndoReport>>(true);
yes<Assignable<G.BatchInfo, IO.BatchInfo>>(true);
yes<Assignable<G.IcsReport, IO.IcsReport>>(true);
yes<Assignable<G.VcardReport, IO.VcardReport>>(true);
yes<Assignable<G.Manifest, IO.Manifest>>(true);
yes<Assignable<G.Progress, IO.Progress>>(true);
yes<Assignable<G.Target, IO.Target>>(true);
yes<Assignable<G.Format, IO.Format>>(true);

// What the wizard sends back fits what core accepts.
yes<Assignable<IO.Preview, G.Preview>>(true);
yes<Assignable<IO.Mapping, G.Mapping>>(true);
yes<Assignable<IO.ImportFile, G.ImportFile>>(true);
yes<Assignable<IO.Target, G.Target>>(true);
yes<Assignable<IO.Format, G.Format>>(true);

it('the import/export types agree with the generated bindings (checked by npm run check)', () => {
  expect(true).toBe(true);
});
