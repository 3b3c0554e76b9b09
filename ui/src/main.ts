import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { selectBackend } from './lib/api';
import { app, boot, markInteractive } from './lib/app.svelte';
import { router } from './lib/router.svelte';

async function start() {
  await selectBackend();
  await boot(router.route.name);
  mount(App, { target: document.getElementById('app') as HTMLElement });
  app.ready = true;
  // Today reports itself once its data is on screen; any other first screen counts at once.
  if (router.route.name !== 'today') markInteractive();
}

start().catch((e) => {
  const el = document.getElementById('app');
  if (el) {
    el.textContent = '';
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.textContent = `Rapport could not start: ${e instanceof Error ? e.message : String(e)}`;
    el.append(p);
  }
});
