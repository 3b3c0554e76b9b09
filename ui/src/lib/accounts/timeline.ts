import type { Contact, Note, Rec } from '../types';

/** Timeline order: pinned notes first, then newest first. */
export function ordered(items: Rec<Note>[]): Rec<Note>[] {
  return [...items].sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.occurred_at.localeCompare(a.occurred_at));
}

export interface OrgNode { contact: Rec<Contact>; reports: OrgNode[] }

/** The org chart: people whose manager is not in the account are roots. Cycles are cut. */
export function orgChart(people: Rec<Contact>[]): OrgNode[] {
  const byId = new Map(people.map((p) => [p.id, p]));
  const children = new Map<string, Rec<Contact>[]>();
  const roots: Rec<Contact>[] = [];
  for (const p of people) {
    if (p.reports_to && byId.has(p.reports_to) && p.reports_to !== p.id) {
      const list = children.get(p.reports_to) ?? [];
      list.push(p);
      children.set(p.reports_to, list);
    } else roots.push(p);
  }
  const seen = new Set<string>();
  const build = (c: Rec<Contact>): OrgNode => {
    seen.add(c.id);
    return { contact: c, reports: (children.get(c.id) ?? []).filter((k) => !seen.has(k.id)).map(build) };
  };
  const tree = roots.map(build);
  // People caught in a reporting cycle have no root; show them at the top level.
  for (const p of people) if (!seen.has(p.id)) tree.push(build(p));
  return tree;
}
