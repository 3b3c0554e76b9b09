import type { Contact, Rec } from '../types';

/**
 * Whom a person may report to: others of the same account who do not (directly or through
 * others) report to them. Core refuses a loop anyway; the picker does not offer one.
 */
export function reportCandidates(people: Rec<Contact>[], self?: string): Rec<Contact>[] {
  if (!self) return people;
  const boss = new Map(people.map((p) => [p.id, p.reports_to]));
  const under = (id: string): boolean => {
    const seen = new Set<string>();
    let cur: string | null | undefined = id;
    while (cur && !seen.has(cur)) {
      if (cur === self) return true;
      seen.add(cur);
      cur = boss.get(cur);
    }
    return false;
  };
  return people.filter((p) => p.id !== self && !under(p.id));
}
