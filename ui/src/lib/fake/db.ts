// The fake backend's tables: one Map per entity kind.
import type { EntityKind, EntityMap, Id, Rec, Settings } from '../types';
import { defaultSettings } from '../defaults';

export type Tables = { [K in EntityKind]: Map<Id, Rec<EntityMap[K]>> };

export class Db {
  tables: Tables = {
    account: new Map(), contact: new Map(), note: new Map(), meeting: new Map(), product: new Map(),
    holding: new Map(), opportunity: new Map(), contract: new Map(), task: new Map(), reminder: new Map(),
    objection: new Map(), gift: new Map(), quota: new Map(),
  };
  settings: Settings = defaultSettings();
  readonly space = '00000000-0000-4000-8000-000000000001';
  private seq = 0;

  constructor(public now: () => Date = () => new Date()) {}

  newId(): Id {
    this.seq += 1;
    const hex = this.seq.toString(16).padStart(12, '0');
    return `7a3f0000-0000-4000-8000-${hex}`;
  }

  alive<K extends EntityKind>(kind: K): Rec<EntityMap[K]>[] {
    const out: Rec<EntityMap[K]>[] = [];
    for (const r of this.tables[kind].values()) if (!r.deleted) out.push(r);
    return out;
  }

  put<K extends EntityKind>(kind: K, data: EntityMap[K], id: Id = this.newId(), at = this.now()): Rec<EntityMap[K]> {
    const old = this.tables[kind].get(id);
    const iso = at.toISOString();
    const rec = { ...data, id, space: this.space, created_at: old?.created_at ?? iso, updated_at: iso, deleted: old?.deleted ?? false } as Rec<EntityMap[K]>;
    this.tables[kind].set(id, rec);
    return rec;
  }
}

export const DAY = 86_400_000;

export function dateOnly(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return dateOnly(new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY));
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
}
