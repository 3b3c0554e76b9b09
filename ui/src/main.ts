import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { selectBackend } from './lib/api';
import { app, boot } from './lib/app.svelte';

async function start() {
  await selectBackend();
  await boot();
  mount(App, { target: document.getElementById('app') as HTMLElement });
  app.ready = true;
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
