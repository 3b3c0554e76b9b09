// The current route, following location.hash; history gives Back/Forward.
import { parseRoute, type Route } from './routes';

export const router = $state<{ route: Route }>({ route: parseRoute(typeof location === 'undefined' ? '' : location.hash) });

export function startRouter(): () => void {
  const on = () => { router.route = parseRoute(location.hash); };
  window.addEventListener('hashchange', on);
  on();
  return () => window.removeEventListener('hashchange', on);
}

export function go(path: string): void {
  const hash = `#${path}`;
  if (location.hash !== hash) location.hash = hash;
}

export function back(): void { history.back(); }
export function forward(): void { history.forward(); }
