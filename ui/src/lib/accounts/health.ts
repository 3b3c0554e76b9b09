// Health reasons (codes with parameters from core) in the user's words.
import type { HealthLabel, HealthReason } from '../types';
import { t, locale } from '../locale.svelte';
import { date } from '../format';

export function reasonText(r: HealthReason): string {
  switch (r.code) {
    case 'no_touch_within_cadence': return t('health.reason.no_touch', { count: r.params.days_since_touch, cadence: r.params.cadence_days });
    case 'overdue_tasks': return t('health.reason.overdue_tasks', { count: r.params.count });
    case 'competitor_present': return t('health.reason.competitor', { competitors: new Intl.ListFormat(locale.lang).format(r.params.competitors) });
    case 'renewal_near': return t('health.reason.renewal', { count: r.params.days_left, date: date(r.params.end_date, locale.lang) });
    case 'stalled_opportunity': return t('health.reason.stalled', { name: r.params.name, count: r.params.days_in_stage });
  }
}

export const healthTone: Record<HealthLabel, string> = { good: 'ok', attention: 'attention', risk: 'risk' };
export const healthIcon: Record<HealthLabel, string> = { good: 'ok', attention: 'warn', risk: 'risk' };
