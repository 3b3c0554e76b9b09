// The pipeline board: opportunities grouped by stage, with totals, and stage moves.
import type { OppKind, Opportunity, Rec, Stage } from '../types';

export interface Column { stage: Stage; items: Rec<Opportunity>[]; total_cents: number; weighted_cents: number }

export function columns(opps: Rec<Opportunity>[], stages: Stage[], kinds: Set<OppKind>): Column[] {
  const cols = stages.map((stage): Column => ({ stage, items: [], total_cents: 0, weighted_cents: 0 }));
  for (const o of opps) {
    if (kinds.size && !kinds.has(o.kind)) continue;
    const col = cols.find((c) => c.stage.name === o.stage);
    if (!col) continue;
    col.items.push(o);
    col.total_cents += o.amount_cents;
    col.weighted_cents += Math.round((o.amount_cents * (o.probability ?? col.stage.probability)) / 100);
  }
  for (const c of cols) c.items.sort((a, b) => (a.close_date ?? '9999').localeCompare(b.close_date ?? '9999'));
  return cols;
}

/** The stage one step left (-1) or right (+1) of `current`, or null at either end. */
export function neighbour(stages: Stage[], current: string, dir: -1 | 1): Stage | null {
  const i = stages.findIndex((s) => s.name === current);
  if (i < 0) return null;
  return stages[i + dir] ?? null;
}
