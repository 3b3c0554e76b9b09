// A value loaded from the backend, with its error and loading flag, for screens.
import { untrack } from 'svelte';
import { AppError } from './errors';
import { withProgress } from './app.svelte';

export class Resource<T> {
  value = $state<T | undefined>(undefined);
  error = $state<AppError | null>(null);
  loading = $state(false);
  private seq = 0;

  constructor(private readonly fetch: () => Promise<T>) {}

  /** Loads (again). Reads nothing reactively, so an $effect calling it depends only on what it reads itself. */
  load(): Promise<void> {
    return untrack(() => this.run());
  }

  private async run(): Promise<void> {
    const mine = ++this.seq;
    this.loading = true;
    try {
      const v = await withProgress(this.fetch());
      if (mine === this.seq) { this.value = v; this.error = null; }
    } catch (e) {
      if (mine === this.seq) this.error = AppError.from(e);
    } finally {
      if (mine === this.seq) this.loading = false;
    }
  }
}
