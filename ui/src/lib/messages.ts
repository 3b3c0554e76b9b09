// Core's error codes (and the field of an `invalid`) as words in the user's language.
import { AppError } from './errors';
import type { Key } from './i18n';
import { t } from './locale.svelte';

const CODES: Record<string, Key> = {
  not_found: 'error.not_found', conflict: 'error.conflict', offline: 'error.offline', unauthorized: 'error.unauthorized',
  keyring_unavailable: 'error.keyring_unavailable', key_missing: 'error.key_missing', wrong_key: 'error.wrong_key',
  too_new: 'error.too_new', storage: 'error.storage', internal: 'error.internal',
};

/** The label of a field name from core ("first_name", "next_steps[0].title"). */
export function fieldLabel(field: string): string {
  const base = field.replace(/\[\d+\]/g, '').split('.').pop() ?? field;
  const key = `field.${base}` as Key;
  const label = t(key);
  return label === key ? base.replace(/_/g, ' ') : label;
}

/** Fields whose only failure is one a sentence can name (`error.field.<name>`); others get the
 *  generic "check this field" (core's reason text is English and never shown). */
function fieldMessage(field: string): string | null {
  const base = field.replace(/\[\d+\]/g, '').split('.').pop() ?? field;
  const key = `error.field.${base}` as Key;
  const text = t(key);
  return text === key ? null : text;
}

export function errorMessage(e: AppError): string {
  if (e.code === 'invalid') return e.field ? (fieldMessage(e.field) ?? t('error.invalid_field', { field: fieldLabel(e.field) })) : t('error.invalid');
  return t(CODES[e.code] ?? 'error.internal');
}

/** Field -> message, for inline errors; errors without a field go under "_form". */
export function fieldErrors(e: unknown): Record<string, string> {
  const err = AppError.from(e);
  if (err.code === 'invalid' && err.field) return { [err.field]: errorMessage(err) };
  return { _form: errorMessage(err) };
}
