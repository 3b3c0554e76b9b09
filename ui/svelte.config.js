import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// Forms carry delegated keyboard shortcuts (Cmd/Ctrl-Enter saves, Esc cancels); that is not an
// interaction on a non-interactive element. Props read once to seed a form's local state are
// meant to be read once.
const IGNORED = new Set(['a11y_no_noninteractive_element_interactions', 'state_referenced_locally']);

export default {
  preprocess: vitePreprocess(),
  compilerOptions: { css: 'external' },
  warningFilter: (w) => !IGNORED.has(w.code),
};
