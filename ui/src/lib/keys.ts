// The keyboard map: a key (with modifiers) or a two-key sequence like "g t" -> a command id.
export interface KeyStroke { key: string; mod?: boolean; alt?: boolean; shift?: boolean }
export interface Binding { keys: string; command: string }

/** "mod+k", "alt+arrowleft", "g t", "/", "shift+arrowright". `mod` is Cmd on macOS, Ctrl elsewhere. */
export function strokeName(e: { key: string; metaKey?: boolean; ctrlKey?: boolean; altKey?: boolean; shiftKey?: boolean }, mac: boolean): string {
  const parts: string[] = [];
  if (mac ? e.metaKey : e.ctrlKey) parts.push('mod');
  if (e.altKey) parts.push('alt');
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key.toLowerCase();
  if (e.shiftKey && key.length > 1) parts.push('shift');
  parts.push(key === ' ' ? 'space' : key);
  return parts.join('+');
}

/** Matches strokes against bindings, remembering a pending first key of a sequence. */
export class KeyMap {
  private pending: string | null = null;
  private pendingAt = 0;
  constructor(private bindings: Binding[], private timeoutMs = 1500) {}

  /** The command for this stroke, 'pending' when it starts a sequence, or null. */
  feed(stroke: string, at: number): string | 'pending' | null {
    if (this.pending && at - this.pendingAt <= this.timeoutMs) {
      const seq = `${this.pending} ${stroke}`;
      this.pending = null;
      const hit = this.bindings.find((b) => b.keys === seq);
      if (hit) return hit.command;
    }
    this.pending = null;
    const direct = this.bindings.find((b) => b.keys === stroke);
    if (direct) return direct.command;
    if (this.bindings.some((b) => b.keys.startsWith(`${stroke} `))) {
      this.pending = stroke;
      this.pendingAt = at;
      return 'pending';
    }
    return null;
  }

  reset(): void { this.pending = null; }
}

/** How a binding reads in the palette: "⌘ K" on macOS, "Ctrl K" elsewhere, "G then T". */
export function shortcutLabel(keys: string, mac: boolean): string[] {
  return keys.split(' ').map((stroke) => stroke.split('+').map((p) => {
    if (p === 'mod') return mac ? '⌘' : 'Ctrl';
    if (p === 'alt') return mac ? '⌥' : 'Alt';
    if (p === 'shift') return '⇧';
    if (p === 'arrowleft') return '←';
    if (p === 'arrowright') return '→';
    if (p === 'enter') return '↵';
    if (p === 'escape') return 'Esc';
    return p.length === 1 ? p.toUpperCase() : p;
  }).join(' '));
}

/** Typing in a field must not trigger single-key shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName.toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable === true;
}
